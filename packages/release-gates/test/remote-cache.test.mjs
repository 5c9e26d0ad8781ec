// A team's shared build cache, rehearsed: turborepo-remote-cache on 127.0.0.1 (local-disk
// storage, a random token), two scratch clones of the committed tree, a build in the first
// that fills the cache, and a build in the second with no `java` on PATH that can only succeed
// by replaying the generator's output from the shared cache.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../src/repo.mjs';

const SERVER = join(REPO, 'packages/release-gates/node_modules/turborepo-remote-cache/dist/cli.js');
const TOKEN = randomBytes(24).toString('hex');
// Only this rehearsal's TURBO_* settings reach turbo (an outer turbo run sets its own).
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TURBO_')));
baseEnv.TURBO_TELEMETRY_DISABLED = '1';

/** Runs a command to its end without blocking the event loop (the server's log keeps flowing). */
function run(command, args, { cwd, env = baseEnv }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ status: -1, output: `${output}${error.message}` }));
    child.on('close', (status) => resolve({ status, output }));
  });
}

let tmp;
let server;
let api;
const clones = [];
const builds = [];
let noJava;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hss-remote-cache-'));
  // HOST: the server's default is 0.0.0.0; PORT 0 lets the system pick a free port.
  server = spawn(process.execPath, [SERVER], {
    cwd: tmp,
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      STORAGE_PROVIDER: 'local',
      STORAGE_PATH: join(tmp, 'storage'),
      STORAGE_PATH_USE_TMP_FOLDER: 'false',
      TURBO_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  api = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the cache server did not start:\n${log}`)), 20_000);
    server.stdout.on('data', (d) => {
      log += d;
      const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    server.stderr.on('data', (d) => (log += d));
    server.on('exit', (code) => reject(new Error(`the cache server exited (${code}):\n${log}`)));
  });

  // Two clones of what is committed, each installed from the store like a developer's checkout.
  for (const name of ['first', 'second']) clones.push(join(tmp, name));
  const installs = await Promise.all(
    clones.map(async (dir) => {
      const clone = await run('git', ['clone', '--quiet', REPO, dir], { cwd: tmp });
      if (clone.status !== 0) return clone;
      return run('pnpm', ['install', '--frozen-lockfile', '--offline'], { cwd: dir });
    }),
  );
  for (const install of installs) if (install.status !== 0) throw new Error(install.output);

  // A PATH with node, pnpm, git and a shell, and no java.
  noJava = join(tmp, 'bin-without-java');
  mkdirSync(noJava);
  for (const tool of ['node', 'pnpm', 'git', 'sh', 'bash', 'env', 'dirname', 'sed', 'uname', 'cat']) {
    const found = (process.env.PATH ?? '')
      .split(':')
      .map((d) => join(d, tool))
      .find((p) => existsSync(p));
    if (found) symlinkSync(found, join(noJava, tool));
  }

  const cache = { TURBO_API: api, TURBO_TEAM: 'hss', TURBO_TOKEN: TOKEN };
  const build = (dir, env) => run('pnpm', ['exec', 'turbo', 'run', 'build', '--summarize'], { cwd: dir, env });
  builds.push(await build(clones[0], { ...baseEnv, ...cache }));
  builds.push(await build(clones[1], { ...baseEnv, ...cache, PATH: noJava }));
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    // It closes gracefully in well under a second; if it has not after 5 s, it is ended.
    const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  // Two installed clones (~50,000 files each): deleting them takes a while on a slow disk.
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 120_000);

/** The tasks of the last `--summarize` run in a clone. */
function summary(dir) {
  const runs = join(dir, '.turbo/runs');
  const [latest] = readdirSync(runs).sort().reverse();
  return JSON.parse(readFileSync(join(runs, latest), 'utf8')).tasks;
}
const generate = (dir) => summary(dir).find((t) => t.taskId === '@hss-export/generator#generate');

describe('a shared turbo cache (turborepo-remote-cache)', () => {
  it('listens on 127.0.0.1 only, and serves artifacts only for the token', async () => {
    expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // `connection: close`, so that no kept-alive socket holds the server open at the end.
    const get = (path, token) =>
      fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
    expect(await (await get('/v8/artifacts/status', TOKEN)).json()).toMatchObject({ status: 'enabled' });
    expect((await get('/v8/artifacts/0123456789abcdef?slug=hss', 'wrong-token')).status).toBe(401);
    expect((await get('/v8/artifacts/0123456789abcdef?slug=hss', TOKEN)).status).toBe(404);
  });

  it('the first clone builds, running the generator (java) and filling the cache', () => {
    expect(builds[0].status, builds[0].output).toBe(0);
    expect(generate(clones[0]).cache.status).toBe('MISS');
    expect(readdirSync(join(tmp, 'storage'), { recursive: true }).length).toBeGreaterThan(0);
  });

  it('the second clone has no java on its PATH', async () => {
    const which = await run('sh', ['-c', 'command -v java'], { cwd: tmp, env: { PATH: noJava } });
    expect(which.status).not.toBe(0);
    expect((await run('sh', ['-c', 'command -v node'], { cwd: tmp, env: { PATH: noJava } })).status).toBe(0);
  });

  it('and still builds: the generator is a remote cache hit, replayed', () => {
    expect(builds[1].status, builds[1].output).toBe(0);
    expect(generate(clones[1]).cache).toMatchObject({ status: 'HIT', source: 'REMOTE' });
    expect(builds[1].output).toMatch(/@hss-export\/generator:generate: cache hit, replaying logs/);
    expect(summary(clones[1]).every((t) => t.cache.status === 'HIT')).toBe(true);
  });

  it('the generated sources and the built packages are there in the second clone', () => {
    for (const file of [
      'packages/client/src/generated/operations.ts',
      'packages/client/src/generated/regions.ts',
      'packages/types/src/generated/models',
      'packages/client/dist/index.js',
      'packages/types/dist/index.d.ts',
    ])
      expect(existsSync(join(clones[1], file)), file).toBe(true);
  });
});
