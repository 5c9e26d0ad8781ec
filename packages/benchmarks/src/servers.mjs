// Local HTTP servers the benchmarks talk to: 127.0.0.1 only, keep-alive, answers computed
// once so that the server's own work is as small and as constant as it can be.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const CREATED = Buffer.from('{"task_id":"t"}');
export const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

function listen(server) {
  // Longer than any pause between benchmark rounds, so no variant pays for a reconnect.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Answers `POST /v5/{project}/container/export-task` with 200 `{"task_id":"t"}`. Remembers the
 * last such request so the harness can check that the bare-fetch baseline sends what the
 * client sends (`GET /__last`).
 */
export function startCreateServer() {
  let last = null;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/__last') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(last));
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && /^\/v5\/[^/]+\/container\/export-task(\?|$)/.test(req.url)) {
        last = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': CREATED.length });
        res.end(CREATED);
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"error_code":"NOT_FOUND","error_msg":"benchmark server: unknown route"}');
      }
    });
  });
  return listen(server);
}

/**
 * Runs startCreateServer() in a child process, so on two cores the server's work happens
 * beside the client's rather than on the same event loop (which would add the same server
 * time to every variant and make every ratio look closer to 1 than it is).
 */
export function startCreateServerProcess() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-create'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ url: m.url, port: m.port, close: stop }));
    child.once('error', reject);
    exited.then((code) => reject(new Error(`benchmark server exited early (${code})`)));
  });
}

/**
 * Serves `GET /v5/{project}/download/{file_id}`: `size` bytes of zip-like data (the zip
 * magic, then filler) written from one reused 64 kB block with back-pressure, so the server's
 * memory stays flat whatever `size` is. The file id `warm` serves a 64 kB file instead, and
 * `bytes-<n>` serves n bytes.
 */
export function startDownloadServer({ size }) {
  const block = Buffer.alloc(64 * 1024, 0x5a);
  ZIP_MAGIC.copy(block, 0);
  const server = createServer((req, res) => {
    const m = /^\/v5\/[^/]+\/download\/([^/?]+)/.exec(req.url ?? '');
    if (req.method !== 'GET' || !m) {
      res.writeHead(404).end();
      return;
    }
    const sized = /^bytes-(\d+)$/.exec(m[1]);
    const total = m[1] === 'warm' ? block.length : sized ? Number(sized[1]) : size;
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': total });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const n = Math.min(block.length, total - sent);
        // Every block starts with the magic; only the file's first four bytes are checked.
        const ok = res.write(n === block.length ? block : block.subarray(0, n));
        sent += n;
        if (!ok) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return listen(server);
}

if (process.argv.includes('--serve-create') && process.send) {
  const server = await startCreateServer();
  process.send({ url: server.url, port: server.port });
  const shutdown = () => server.close().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  // The parent vanished without stopping us: don't linger.
  process.on('disconnect', shutdown);
}
