// Starts Prism (the contract mock) on 127.0.0.1 serving spec/, and stops it for sure.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_PATH = resolve(here, '../../../spec/hss-export.openapi.yaml');
const require = createRequire(import.meta.url);
const prismBin = join(
  dirname(require.resolve('@stoplight/prism-cli/package.json')),
  require('@stoplight/prism-cli/package.json').bin.prism,
);

/** Asks the OS for a port that is free on 127.0.0.1 right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const running = new Set();
// Last resort for an abrupt exit of this process: kill every Prism group synchronously.
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});

/**
 * @param {{ port?: number, host?: string, spec?: string, log?: (line: string) => void, startTimeoutMs?: number, signal?: AbortSignal }} [options]
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startPrism(options = {}) {
  const { signal } = options;
  signal?.throwIfAborted();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const spec = options.spec ?? SPEC_PATH;
  const url = `http://${host}:${port}`;
  // Own process group (detached) so stop() can signal the leash and Prism together.
  const leash = spawn(
    process.execPath,
    [
      join(here, 'leash.mjs'),
      process.execPath,
      prismBin,
      'mock',
      spec,
      '--host',
      host,
      '--port',
      String(port),
      // Prism's info-level request log runs each line through jsonrepair, which can crash it
      // on bodies containing brackets; warn level avoids that and answers ~1.8x faster.
      ...(options.log ? [] : ['--verboseLevel', 'warn']),
    ],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  running.add(leash.pid);
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (options.log) for (const line of String(chunk).split('\n')) if (line) options.log(line);
  };
  leash.stdout.on('data', collect);
  leash.stderr.on('data', collect);
  const exited = new Promise((resolveExit) => leash.once('exit', resolveExit));
  exited.then(() => running.delete(leash.pid));

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (leash.exitCode === null && leash.signalCode === null) {
        try {
          process.kill(-leash.pid, 'SIGTERM');
        } catch {}
        const timer = setTimeout(() => {
          try {
            process.kill(-leash.pid, 'SIGKILL');
          } catch {}
        }, 6000);
        await exited;
        clearTimeout(timer);
      }
      leash.stdin.destroy();
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let early = false;
  exited.then(() => (early = true));
  // Start-up can take 10 s or more on a busy machine: an abort (Ctrl-C) must not wait for it.
  for (;;) {
    if (signal?.aborted) {
      await stop();
      throw signal.reason;
    }
    if (early) {
      throw new Error(`Prism exited before it was ready on ${url}:\n${output}`);
    }
    try {
      // Any HTTP answer (Prism says 404 for unknown paths) means it is listening.
      const probe = AbortSignal.timeout(1000);
      await fetch(`${url}/__ready`, { signal: signal ? AbortSignal.any([probe, signal]) : probe });
      if (!signal?.aborted) return { url, port, stop };
    } catch {}
    if (signal?.aborted) continue;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prism did not answer on ${url} within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`);
    }
    await delay(100, undefined, { signal }).catch(() => {});
  }
}

/**
 * A vitest globalSetup: one Prism for the whole run, its URL provided as `prismUrl`.
 * Vitest calls the returned teardown also when tests fail or the run is interrupted; the
 * leash stops Prism even if the test process is killed outright.
 */
export async function prismGlobalSetup(project) {
  const prism = await startPrism();
  project.provide('prismUrl', prism.url);
  return () => prism.stop();
}
