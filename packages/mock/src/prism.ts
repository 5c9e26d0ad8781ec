// Starts Prism (the contract-mock engine) on 127.0.0.1 serving a spec, and stops it for sure:
// Prism runs under a leash process (leash.ts) that stops it when we exit, even on SIGKILL.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');

/** The spec this package was built from (copied in at build time). */
export const SPEC_PATH = join(packageRoot, 'spec', 'hss-export.openapi.yaml');

// A request Prism accepts for the bundled spec, so the readiness probe logs nothing:
// probing an unknown path makes Prism log NO_PATH_MATCHED as an error on every attempt.
const READY_PATH = '/v5/hss-export-mock/export-task/readiness-probe';
const READY_HEADERS = { 'X-Auth-Token': 'readiness-probe-not-a-credential' };

// Prism 5.14.2 asks for its sibling packages with ^ ranges that now resolve to releases
// needing Node >= 24; package.json pins the last ones that run on Node 20 as our own
// dependencies, which npm and pnpm reuse for Prism. Checked at start-up, because a package
// manager that does not reuse them would otherwise fail somewhere deep inside Prism.
const PINNED_SIBLINGS = ['@stoplight/prism-core', '@stoplight/prism-http', '@stoplight/prism-http-server'] as const;

export interface StartPrismOptions {
  /** Default: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: the spec bundled with this package. */
  spec?: string;
  /** Receives Prism's output line by line (it runs at warn level: validation problems, errors). */
  log?: (line: string) => void;
  /** How long start-up may take before giving up (default 30 s; over 10 s happens on busy CI machines). */
  startTimeoutMs?: number;
  /** Aborting while Prism is still starting stops it and rejects with the signal's reason; once started, call stop(). */
  signal?: AbortSignal;
}

export interface RunningPrism {
  url: string;
  port: number;
  /** The leash process, which leads the process group Prism runs in. */
  pid: number;
  /** Settles when Prism has exited, after stop() or on its own (a crash): with its exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Asks the OS for a port that is free on the host right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The only environment Prism gets. Whatever else the caller has (HUAWEICLOUD_SDK_AK/SK,
 * HSS_EXPORT_TOKEN, CI secrets) stays out of a process that only serves examples.
 * Windows needs SystemRoot for Node's networking and a temp directory.
 */
export function prismEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const names = process.platform === 'win32' ? ['PATH', 'SystemRoot', 'TEMP', 'TMP'] : ['PATH'];
  const child: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) child[name] = value;
  }
  return child;
}

function readJson(path: string): {
  version?: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Where Prism's CLI is, after checking that Prism loads the sibling versions we pin. */
export function resolvePrism(): { bin: string; version: string } {
  const require = createRequire(join(packageRoot, 'package.json'));
  let cliManifest: string;
  try {
    cliManifest = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new Error(
      '@hss-export/mock cannot find its dependency @stoplight/prism-cli: reinstall @hss-export/mock (npm i -D @hss-export/mock) without --omit=prod or --ignore-dependencies',
    );
  }
  const cli = readJson(cliManifest);
  const pins = readJson(join(packageRoot, 'package.json')).dependencies ?? {};
  const httpServerManifest = createRequire(cliManifest).resolve('@stoplight/prism-http-server/package.json');
  const httpManifest = createRequire(cliManifest).resolve('@stoplight/prism-http/package.json');
  // Every place Prism loads a sibling from: the CLI, its HTTP server and the HTTP package.
  const wrong: string[] = [];
  for (const from of [cliManifest, httpServerManifest, httpManifest]) {
    for (const name of PINNED_SIBLINGS) {
      let found: string;
      try {
        found = createRequire(from).resolve(`${name}/package.json`);
      } catch {
        continue;
      }
      const version = readJson(found).version;
      if (pins[name] && version !== pins[name] && !wrong.some((w) => w.startsWith(`${name} ${version} `))) {
        wrong.push(`${name} ${version} (needs ${pins[name]}) at ${dirname(found)}`);
      }
    }
  }
  if (wrong.length) {
    const overrides = JSON.stringify(Object.fromEntries(PINNED_SIBLINGS.map((n) => [n, pins[n]])));
    throw new Error(
      `@hss-export/mock: Prism would load ${wrong.join('; ')}. Newer releases of these packages need Node >= 24 and are not the ones this mock was tested with; ` +
        `your package manager did not reuse the versions @hss-export/mock pins. Fix: add ${overrides} to "overrides" (npm), "pnpm.overrides" (pnpm) or "resolutions" (yarn) in your package.json and reinstall.`,
    );
  }
  const bin = cli.bin?.prism;
  if (!bin || !cli.version)
    throw new Error(`@stoplight/prism-cli at ${dirname(cliManifest)} has no "prism" bin: reinstall @hss-export/mock`);
  return { bin: join(dirname(cliManifest), bin), version: cli.version };
}

const running = new Set<number>();
let exitHookInstalled = false;
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // The leash leads its own process group on POSIX: this reaches Prism too.
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {}
}

/** Any HTTP answer at all: Prism is listening. */
function probe(url: string, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const req = request(
      `${url}${READY_PATH}`,
      { headers: READY_HEADERS, agent: false, timeout: 1000, signal },
      (res) => {
        res.resume();
        res.on('end', () => resolveProbe(true));
        res.on('error', () => resolveProbe(true));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveProbe(false));
    req.end();
  });
}

export async function startPrism(options: StartPrismOptions = {}): Promise<RunningPrism> {
  const { signal } = options;
  signal?.throwIfAborted();
  const prism = resolvePrism();
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const spec = options.spec ?? SPEC_PATH;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort for an abrupt exit of this process: kill every Prism synchronously.
    process.once('exit', () => {
      for (const pid of running) killGroup(pid, 'SIGKILL');
    });
  }
  const leash = spawn(
    process.execPath,
    [
      join(here, 'leash.js'),
      process.execPath,
      prism.bin,
      'mock',
      spec,
      '--host',
      host,
      '--port',
      String(port),
      // Prism's info-level request log runs each line through jsonrepair, which can crash it
      // on bodies containing brackets; warn level avoids that and answers ~1.8x faster.
      '--verboseLevel',
      'warn',
    ],
    {
      // Own process group, so stop() and the exit hook reach the leash and Prism together.
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: prismEnvironment(),
      windowsHide: true,
    },
  );
  const pid = leash.pid;
  if (pid === undefined) {
    throw new Error(`could not start Prism: spawning ${process.execPath} failed`);
  }
  running.add(pid);
  let output = '';
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = String(chunk);
    if (output.length < 64_000) output += text;
    if (!options.log) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line) options.log(line);
  };
  leash.stdout.on('data', collect);
  leash.stderr.on('data', collect);
  let exited = false;
  const exit = new Promise<number | null>((resolveExit) =>
    leash.once('exit', (code) => {
      exited = true;
      running.delete(pid);
      if (partial && options.log) options.log(partial);
      resolveExit(code);
    }),
  );

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        // Closing its stdin is what the leash listens for on every platform; the signal is faster on POSIX.
        leash.stdin.end();
        if (process.platform !== 'win32') killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 6000);
        await exit;
        clearTimeout(timer);
      }
      leash.stdin.destroy();
    })();
    return stopped;
  };

  const deadline = Date.now() + startTimeoutMs;
  // Start-up can take 10 s or more on a busy machine: an abort (Ctrl-C) must not wait for it.
  for (;;) {
    if (signal?.aborted) {
      await stop();
      throw signal.reason;
    }
    if (exited) {
      throw new Error(`Prism exited before it was ready on ${url}; its output:\n${output}`);
    }
    if (await probe(url, signal)) {
      if (!signal?.aborted) return { url, port, pid, exited: exit, stop };
      continue;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Prism did not answer on ${url} within ${startTimeoutMs} ms (pass a larger startTimeoutMs on a slow machine); its output:\n${output}`,
      );
    }
    await delay(100, undefined, { signal }).catch(() => {});
  }
}
