// Scratch clones of the repository: the pipeline and contract-suite benchmarks build, edit
// and clean in these, never in the working tree, and the proposed changes in proposals/
// are measured by applying them to a clone.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');
export const PROPOSALS_DIR = resolve(here, '../proposals');

/** The environment every timed command gets: no telemetry pings, no colour codes to parse. */
export function benchEnv(extra = {}) {
  return { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

// Clones not yet removed. A signal ends the process without running `finally` blocks, so
// these are removed synchronously on the way out instead.
const live = new Set();
let hooked = false;
function removeOnExit(dir) {
  live.add(dir);
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const d of live) rmSync(d, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0)));
  }
}

export async function listProposals() {
  return (await readdir(PROPOSALS_DIR)).filter((f) => f.endsWith('.patch')).sort();
}

/** Resolves a proposal by file name, with or without `.patch`, or by its number prefix. */
export async function proposalPath(name) {
  const all = await listProposals();
  const hit = all.find((f) => f === name || f === `${name}.patch` || f.startsWith(`${name}-`));
  if (!hit) throw new Error(`no proposal "${name}" in ${PROPOSALS_DIR} (have: ${all.join(', ')})`);
  return join(PROPOSALS_DIR, hit);
}

/**
 * Clones the repository's HEAD (committed state only: other people's uncommitted work in
 * the tree is not what is being measured), applies `patches` in order, and installs from
 * the warm store without touching the network.
 * @returns {Promise<{ root: string, commit: string, patches: string[], installNote: string, remove: () => Promise<void> }>}
 */
export async function createScratch({ source = REPO_ROOT, patches = [], label = 'clone' } = {}) {
  const parent = await mkdtemp(join(tmpdir(), `hss-bench-${label}-`));
  const root = join(parent, 'repo');
  removeOnExit(parent);
  const remove = async () => {
    await rm(parent, { recursive: true, force: true });
    live.delete(parent);
  };
  try {
    await exec('git', ['clone', '--quiet', '--no-hardlinks', source, root]);
    const commit = (await exec('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })).stdout.trim();
    for (const patch of patches) {
      const file = await proposalPath(patch);
      try {
        await exec('git', ['apply', '--whitespace=nowarn', file], { cwd: root });
      } catch (error) {
        throw new Error(`proposal ${file} no longer applies to ${commit}: ${error.stderr || error.message}`);
      }
    }
    const install = (...flags) =>
      exec('pnpm', ['install', ...flags, '--reporter=append-only'], { cwd: root, env: benchEnv(), maxBuffer: 1 << 24 });
    // --offline is the honest check that nothing is fetched; --prefer-offline covers a store
    // that lacks a tarball the lockfile names (then the npm registry is asked). A commit whose
    // lockfile does not match its package.json files cannot be installed frozen at all; the
    // clone then resolves its own lockfile, and the result says so.
    let installNote = 'pnpm install --frozen-lockfile';
    try {
      await install('--frozen-lockfile', '--offline').catch(() => install('--frozen-lockfile', '--prefer-offline'));
    } catch (error) {
      if (!/OUTDATED_LOCKFILE/.test(`${error.stdout}${error.stderr}`)) throw error;
      await install('--no-frozen-lockfile', '--offline').catch(() =>
        install('--no-frozen-lockfile', '--prefer-offline'),
      );
      installNote = `pnpm install --no-frozen-lockfile (the lockfile at ${commit} is out of date with its package.json files)`;
    }
    return { root, commit, patches, installNote, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** What the pipeline benchmark deletes for a cold build: outputs, generated code, turbo's cache. */
export async function cleanBuildState(root) {
  const targets = [join(root, '.turbo'), join(root, 'node_modules/.cache/turbo')];
  for (const name of await readdir(join(root, 'packages'))) {
    const pkg = join(root, 'packages', name);
    targets.push(join(pkg, 'dist'), join(pkg, 'src/generated'), join(pkg, '.turbo'));
  }
  await Promise.all(targets.filter((t) => existsSync(t)).map((t) => rm(t, { recursive: true, force: true })));
}

/** Which client the in-tree benchmarks load: `packages/client/dist`, built from HEAD or from HEAD plus local edits. */
export async function clientProvenance() {
  const commit = (await exec('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })).stdout.trim();
  const dirty = (
    await exec('git', ['status', '--porcelain', '--', 'packages/client/src', 'packages/types/src', 'spec'], {
      cwd: REPO_ROOT,
    })
  ).stdout.trim();
  return `packages/client/dist of the working tree (HEAD ${commit}${dirty ? ' plus uncommitted changes' : ''})`;
}
