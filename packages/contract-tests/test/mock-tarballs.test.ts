// What a user gets: the packed @hss-export/mock, client and types installed from their
// tarballs into throwaway projects outside the workspace, once with npm and once with pnpm
// (Prism's own dependencies come from the npm registry, as for a user), then on Node 20, 22
// and 24 the mock started from the installed package plays every scenario against the client,
// and the installed bin serves and stops. Nothing here may resolve through the workspace, and
// Prism must load exactly the sibling versions @hss-export/mock pins (npm and pnpm both reuse
// a package's own exact dependencies for its dependencies' ^ ranges; this proves it).
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadExample } from './support/download-example.js';
import { nodeRuntime } from './support/node-runtimes.js';
import { descendantsOf, isRunning, until } from './support/processes.js';
import { Children, type RunOptions } from './support/run.js';

const repo = resolve(import.meta.dirname, '../../..');
const mockPackage = join(repo, 'packages/mock');
const pins = JSON.parse(readFileSync(join(mockPackage, 'package.json'), 'utf8')).dependencies as Record<string, string>;

const NODES = [
  { name: 'Node 20', major: 20 },
  { name: 'Node 22', major: 22 },
  { name: 'Node 24', major: 24 },
] as const;
/** Each Node's binary: this one for 20, the ones from npm (support/node-runtimes.ts) for 22 and 24; set in beforeAll. */
const nodeBins: Record<number, string> = { 20: process.execPath };
const MANAGERS = ['npm', 'pnpm'] as const;

/**
 * A clean environment: nothing from the workspace's pnpm run (NODE_PATH would let Prism find
 * the workspace's packages, npm_config_* would steer the installs), and `node` first in PATH.
 */
function cleanEnv(nodeBin = process.execPath): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|PNPM_|VITEST|TURBO_)/i.test(name)) continue;
    env[name] = value;
  }
  const withoutWorkspaceBins = (env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules'));
  env.PATH = [dirname(nodeBin), ...withoutWorkspaceBins].join(delimiter);
  return env;
}

/**
 * Whether process `pid` runs the script at real path `script` with exactly `args`, however
 * its command line spells the script's path (a symlink, or relative to its working directory).
 */
function runsScript(pid: number, script: string, args: string[]): boolean {
  try {
    const [, first, ...rest] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    if (first === undefined) return false;
    const path = realpathSync(resolve(readlinkSync(`/proc/${pid}/cwd`), first));
    return path === script && JSON.stringify(rest) === JSON.stringify(args);
  } catch {
    return false; // gone meanwhile, or its script is not a file
  }
}

// Commands run under a leash (support/run.ts): afterAll stops whatever is still running,
// with everything it started. The bins under test run in process groups of their own.
const children = new Children();
const groups = new Set<ChildProcess>();
const mustExec = (command: string, args: string[], options: RunOptions) => children.mustRun(command, args, options);

/** Every installed version of each pinned package, wherever the package manager put it. */
function installedVersions(project: string): Record<string, string[]> {
  const found: Record<string, Set<string>> = Object.fromEntries(Object.keys(pins).map((n) => [n, new Set<string>()]));
  const walk = (dir: string, depth: number) => {
    if (depth > 12) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name === '@stoplight') {
        for (const name of Object.keys(pins)) {
          const short = name.split('/')[1]!;
          try {
            found[name]!.add(JSON.parse(readFileSync(join(path, short, 'package.json'), 'utf8')).version);
          } catch {}
        }
      }
      walk(path, depth + 1);
    }
  };
  walk(join(project, 'node_modules'), 0);
  return Object.fromEntries(Object.entries(found).map(([n, v]) => [n, [...v].sort()]));
}

let scratch: string;
const projects: Record<(typeof MANAGERS)[number], string> = { npm: '', pnpm: '' };
const timings: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hss-mock-tarballs-'));
  const tarballs = join(scratch, 'tarballs');
  let t = Date.now();
  const runtimes = Promise.all(
    ([22, 24] as const).map(async (major) => (nodeBins[major] = (await nodeRuntime(major)).bin)),
  );
  await Promise.all(
    ['mock', 'client', 'types'].map((name) =>
      mustExec('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(repo, 'packages', name),
        env: process.env,
        deadlineMs: 180_000,
      }),
    ),
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  timings.push(`pack ${Date.now() - t} ms`);
  const packageManager = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).packageManager as string;
  for (const manager of MANAGERS) {
    const project = join(scratch, manager);
    mkdirSync(project);
    projects[manager] = project;
    // pnpm comes through corepack, which would otherwise look up the newest pnpm online; and
    // unlike npm it fetches the client's own dependency on @hss-export/types from the registry
    // (where this version is not yet) instead of taking the tarball given beside it. Neither
    // touches Prism's packages, which resolve from the registry as they would for a user.
    const types = files.find((f) => /hss-export-types-/.test(f))!;
    const pnpmOnly = { packageManager, pnpm: { overrides: { '@hss-export/types': `file:${types}` } } };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: `consumer-${manager}`,
        private: true,
        type: 'module',
        ...(manager === 'pnpm' ? pnpmOnly : {}),
      }),
    );
    copyFileSync(join(import.meta.dirname, 'support/consumer-workflow.mjs'), join(project, 'workflow.mjs'));
  }
  t = Date.now();
  const env = cleanEnv();
  await Promise.all([
    // Fresh registry metadata (no --prefer-offline): the proof needs the installs to see today's
    // newest releases of Prism's siblings, and still choose the pinned ones.
    mustExec('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...files], {
      cwd: projects.npm,
      env,
      deadlineMs: 400_000,
    }).then(() => timings.push(`npm install ${Date.now() - t} ms`)),
    mustExec('pnpm', ['add', '--ignore-scripts', ...files], {
      cwd: projects.pnpm,
      env,
      deadlineMs: 400_000,
    }).then(() => timings.push(`pnpm add ${Date.now() - t} ms`)),
  ]);
  await runtimes;
}, 900_000);

afterAll(async () => {
  await children.stopAll();
  await Promise.all(
    [...groups].map((child) => {
      const gone = new Promise<void>((done) =>
        child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done()),
      );
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
      return gone;
    }),
  );
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  console.log(`mock-tarballs timings: ${timings.join(', ')}`);
});

// Installs, Prism start-ups and workflows on three Nodes, on two cores (and maybe under load).
const SLOW = { timeout: 240_000 };

it(
  'the registry has newer releases of Prism’s siblings than the pins, so the pins are what the installs chose',
  SLOW,
  async () => {
    const latest = await mustExec('npm', ['view', '@stoplight/prism-core', 'version'], {
      cwd: scratch,
      env: cleanEnv(),
      deadlineMs: 60_000,
    });
    expect(latest.trim()).not.toBe(pins['@stoplight/prism-core']);
  },
);

describe.each(MANAGERS)('installed with %s', (manager) => {
  it('Prism loads exactly the pinned sibling versions, and nothing resolves into the workspace', SLOW, async () => {
    const project = projects[manager];
    expect(installedVersions(project)).toEqual(Object.fromEntries(Object.entries(pins).map(([n, v]) => [n, [v]])));
    const where = await mustExec(
      process.execPath,
      ['-e', "console.log(require('fs').realpathSync(require.resolve('@hss-export/mock/package.json')))"],
      { cwd: project, env: cleanEnv(), deadlineMs: 30_000 },
    );
    expect(where.trim().startsWith(scratch)).toBe(true);
    // The spec it serves was packed with it.
    expect(readdirSync(join(project, 'node_modules/@hss-export/mock/spec'))).toEqual(['hss-export.openapi.yaml']);
  });

  it.each(NODES)('$name: the client’s whole workflow in every scenario', SLOW, async ({ major }) => {
    const bin = nodeBins[major]!;
    const t = Date.now();
    const r = await mustExec(bin, ['workflow.mjs'], {
      cwd: projects[manager],
      env: cleanEnv(bin),
      deadlineMs: 180_000,
    });
    timings.push(`${manager} Node ${major} workflow ${Date.now() - t} ms`);
    const out = JSON.parse(r.trim().split('\n').at(-1)!);
    expect(out.node).toMatch(new RegExp(`^v${major}\\.`));
    const example = await downloadExample();
    expect(out.default).toEqual({
      fileId: '6f1c2a3b-export-file',
      bytes: example.length,
      magic: example.subarray(0, 4).toString('hex'),
    });
    expect(out.sequence).toEqual({
      statuses: ['running', 'running', 'success'],
      fileId: '6f1c2a3b-export-file',
      error: null,
    });
    expect(out.failure).toMatchObject({ statuses: ['running', 'failure'], exportFailed: true });
    expect(out.rateLimited).toEqual({
      fileId: '6f1c2a3b-export-file',
      error: null,
      creates: 2,
      tasksCreated: 1,
      createStatuses: [429, 200],
    });
    expect(out.unauthorized).toMatchObject({ authenticationError: true, errorCode: 'APIGW.0301' });
  });

  it.each(NODES)('$name: the installed bin prints its URL, serves, and stops on SIGTERM', SLOW, async ({ major }) => {
    const bin = nodeBins[major]!;
    const t = Date.now();
    // npx for npm, as in the README's CI recipe; pnpm exec for pnpm. Both run the local bin.
    const [command, args] =
      manager === 'npm'
        ? ['npx', ['--offline', '@hss-export/mock', '--port', '0']]
        : ['pnpm', ['exec', 'hss-export-mock', '--port', '0']];
    // Its own process group: if the test fails midway, afterAll kills npx/pnpm and the mock
    // under it together (killing only npx would leave the mock running, orphaned).
    const child = spawn(command, args, {
      cwd: projects[manager],
      env: cleanEnv(bin),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    groups.add(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
    // Closes when the last process holding the pipe (the mock itself) has exited.
    const closed = new Promise<void>((resolveClose) => child.stdout.once('close', () => resolveClose()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `gave up after 180 s waiting for ${command} ${args.join(' ')} to print its URL:\n${stdout}\n${stderr}`,
            ),
          ),
        180_000,
      );
      child.stdout.on('data', (c: Buffer) => {
        stdout += c;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      });
      exit.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited (${code}) before printing its URL:\n${stdout}\n${stderr}`));
      });
    });
    const health = await fetch(`${url}/_mock/health`);
    expect(health.status).toBe(200);
    // The mock's own process, under npx or pnpm, runs on the Node under test. npx starts it
    // through the node_modules/.bin symlink, pnpm's shim by a relative path into
    // node_modules/.pnpm: both are the installed package's bin file.
    const installedBin = realpathSync(join(projects[manager], 'node_modules/@hss-export/mock/bin/hss-export-mock.js'));
    const below = descendantsOf(child.pid!);
    const servers = below.filter((p) => runsScript(p.pid, installedBin, ['--port', '0']));
    expect(
      servers.map((p) => realpathSync(`/proc/${p.pid}/exe`)),
      `processes under ${command}:\n${below.map((p) => p.cmdline).join('\n')}`,
    ).toEqual([realpathSync(bin)]);
    // As in the recipe: `kill` on the npx (or pnpm exec) PID. pnpm passes SIGTERM on to the
    // mock; npm passes it to the sh it runs the mock in, and the mock stops once that sh is gone.
    child.kill('SIGTERM');
    const { code, signal } = await exit;
    expect(code === 0 || signal === 'SIGTERM', `${command} ended with ${code ?? signal}`).toBe(true);
    await closed;
    expect(stdout).toMatch(/hss-export-mock: stopped/);
    await until('the mock process to be gone', () => !isRunning(servers[0]!.pid));
    groups.delete(child);
    await expect(fetch(`${url}/_mock/health`)).rejects.toThrow();
    timings.push(`${manager} Node ${major} bin ${Date.now() - t} ms`);
  });
});
