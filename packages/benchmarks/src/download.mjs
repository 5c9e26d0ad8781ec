// 4. Download memory: a 50 MiB zip from a local server to disk through downloadExportToFile,
// through bare fetch piped to the file, and through arrayBuffer(); each download in a fresh
// child process, so its peak RSS growth over the child's idle RSS is that download's alone.
import { createWriteStream, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { createHssClient } from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import { conditions, interleave, median, run as runCommand, tempDir } from './lib.mjs';

export const id = 'download';
const SELF = fileURLToPath(import.meta.url);
const MB = 2 ** 20;
const PROJECT = 'p0123456789';
const NAME = Buffer.from('containers.csv');
const BLOCK = Buffer.alloc(64 * 1024, 'container,image,status\n');

/**
 * A stored (uncompressed) one-entry zip of exactly `size` bytes: head, `dataBytes` of BLOCK
 * repeated, then the central directory and its end record, so the downloader's whole-archive
 * check passes as it would for a real export. Layouts: PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16.
 */
export function storedZip(size) {
  const dataBytes = size - (30 + NAME.length) - (46 + NAME.length) - 22;
  let crc = 0;
  for (let at = 0; at < dataBytes; at += BLOCK.length) crc = crc32(BLOCK.subarray(0, dataBytes - at), crc);
  // Little-endian fields, `widths` in bytes. Dates are 1980-01-01 (0x21), the earliest a zip holds.
  const le = (widths, values) => {
    const w = widths.split(' ').map(Number);
    const b = Buffer.alloc(w.reduce((a, n) => a + n, 0));
    w.reduce((at, n, i) => b.writeUIntLE(values[i], at, n), 0);
    return b;
  };
  // Signature, version needed, flags, method, time, date, CRC-32, sizes, name length, extra length…
  const local = le('4 2 2 2 2 2 4 4 4 2 2', [0x04034b50, 20, 0, 0, 0, 0x21, crc, dataBytes, dataBytes, NAME.length, 0]);
  // The central header: its signature, "made by", the local header's fields, then comment
  // length, disk, internal and external attributes, and the local header's offset.
  const central = Buffer.concat([le('4 2', [0x02014b50, 20]), local.subarray(4), le('2 2 2 4 4', [0, 0, 0, 0, 0])]);
  const directory = Buffer.concat([central, NAME]);
  const at = local.length + NAME.length + dataBytes;
  // Signature, disks, entries here and in all, the directory's size and offset, comment length.
  const end = le('4 2 2 2 2 4 4 2', [0x06054b50, 0, 0, 1, 1, directory.length, at, 0]);
  return { head: Buffer.concat([local, NAME]), dataBytes, tail: Buffer.concat([directory, end]) };
}

/** Serves `GET /v5/{project}/download/zip-<bytes>` from one reused block, with back-pressure: flat server memory. */
function startServer() {
  const zips = new Map();
  const server = createServer((req, res) => {
    const size = Number(/^\/v5\/[^/]+\/download\/zip-(\d+)$/.exec(req.url)?.[1]);
    if (req.method !== 'GET' || !size) return void res.writeHead(404).end();
    if (!zips.has(size)) zips.set(size, storedZip(size));
    const zip = zips.get(size);
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': size });
    res.write(zip.head);
    let sent = 0;
    const pump = () => {
      while (sent < zip.dataBytes) {
        const block = BLOCK.subarray(0, zip.dataBytes - sent);
        sent += block.length;
        if (!res.write(block)) return void res.once('drain', pump);
      }
      res.end(zip.tail);
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stop: () => new Promise((done) => server.close(done).closeAllConnections()),
      }),
    ),
  );
}

const MODES = {
  client: (url, path, fileId) => {
    const client = createHssClient({ endpoint: url, projectId: PROJECT, credentials: { token: 't' }, maxRetries: 0 });
    return downloadExportToFile(client, fileId, path, { overwrite: true }).then((w) => w.bytes);
  },
  pipe: async (url, path, fileId) => {
    const response = await fetch(`${url}/v5/${PROJECT}/download/${fileId}`, { headers: { 'X-Auth-Token': 't' } });
    const out = createWriteStream(path);
    await pipeline(Readable.fromWeb(response.body), out);
    return out.bytesWritten;
  },
  arrayBuffer: async (url, path, fileId) => {
    const response = await fetch(`${url}/v5/${PROJECT}/download/${fileId}`, { headers: { 'X-Auth-Token': 't' } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    await writeFile(path, bytes);
    return bytes.length;
  },
};

const PAGE = 4096;

/** Runs in a child: one small download first (fetch and the client load lazily), then the measured one. */
async function child([mode, url, path, bytes]) {
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await MODES[mode](url, path, 'zip-65536');
  await rm(path);
  await settle();
  const idle = process.memoryUsage.rss();
  // Linux: resets the kernel's RSS high-water mark, so maxRSS below is this download's peak,
  // spikes between two samples included. Elsewhere maxRSS would span start-up: samples only.
  const kernelPeak = (() => {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return () => process.resourceUsage().maxRSS * 1024;
    } catch {
      return () => 0;
    }
  })();
  let peak = idle;
  // Reads and writes yield to the event loop, so this samples all through the download.
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  const written = await MODES[mode](url, path, `zip-${bytes}`);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss(), kernelPeak());
  await rm(path);
  // RSS moves in pages: a streaming download may not grow it at all, and a growth of 0 would
  // leave the ratios undefined, so less than one page counts as one.
  process.stdout.write(`${JSON.stringify({ idle, growth: Math.max(peak - idle, PAGE), written })}\n`);
}

export async function run({ runs = 5, sizeMB = 50 } = {}) {
  const bytes = Math.round(sizeMB * MB);
  const server = await startServer();
  const dir = tempDir('download');
  try {
    const idle = [];
    const measure = (mode) => async () => {
      const args = ['--expose-gc', SELF, '--child', mode, server.url, join(dir.path, `${mode}.zip`), String(bytes)];
      const { output } = await runCommand(process.execPath, args, { timeoutMs: 120_000 });
      const r = JSON.parse(output.trim().split('\n').at(-1));
      if (r.written !== bytes) throw new Error(`download: ${mode} wrote ${r.written} of ${bytes} bytes`);
      idle.push(r.idle / MB);
      return r.growth / MB;
    };
    const mb = await interleave(
      { pipe: measure('pipe'), client: measure('client'), arrayBuffer: measure('arrayBuffer') },
      runs,
    );
    const row = (name, k) => ({
      name,
      unit: 'MiB',
      values: mb[k],
      ratios: mb[k].map((v, i) => v / mb.pipe[i]),
      baseline: 'bare fetch piped',
    });
    return {
      id,
      title: 'Download memory',
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      params: `${runs} round(s), ${sizeMB} MiB stored zip, peak RSS growth over the child's idle RSS (${median(idle).toFixed(0)} MiB), at least one 4 KiB page`,
      rows: [
        row('bare fetch → Readable.fromWeb → file (baseline)', 'pipe'),
        row('downloadExportToFile (@hss-export/client/node)', 'client'),
        row('bare fetch → await arrayBuffer() → file', 'arrayBuffer'),
      ],
      conditions: conditions(),
    };
  } finally {
    await server.stop();
    dir.remove();
  }
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
