// Snapshot releases (`changeset version --snapshot <tag>`), rehearsed on a throwaway copy
// of the repo: a git clone (so the changelog generator can ask git about commits) with the
// working tree's release inputs laid over it, since a clone has only what was committed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { REPO } from './repo.mjs';

const CHANGESET_BIN = join(REPO, 'node_modules/@changesets/cli/bin.js');
export const SNAPSHOT_VERSION = (tag) => new RegExp(`^0\\.0\\.0-${tag}-\\d{14}$`);

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Clones REPO into `into` and copies over what `changeset version` reads from the working tree. */
export function copyRepo(into) {
  execFileSync('git', ['clone', '--quiet', REPO, into], { stdio: 'pipe' });
  // Uncommitted changesets and manifests are what the next snapshot would be cut from.
  rmSync(join(into, '.changeset'), { recursive: true, force: true });
  cpSync(join(REPO, '.changeset'), join(into, '.changeset'), { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(REPO, file), join(into, file));
  const here = new Set(
    readdirSync(join(REPO, 'packages')).filter((d) => existsSync(join(REPO, 'packages', d, 'package.json'))),
  );
  for (const dir of readdirSync(join(into, 'packages')))
    if (!here.has(dir)) rmSync(join(into, 'packages', dir), { recursive: true, force: true });
  for (const dir of here) {
    mkdirSync(join(into, 'packages', dir), { recursive: true });
    cpSync(join(REPO, 'packages', dir, 'package.json'), join(into, 'packages', dir, 'package.json'));
  }
  linkWorkspaceDependencies(into);
}

/**
 * What `pnpm install` would do for workspace:* dependencies, without the install: one
 * symlink per dependency. `pnpm pack` needs them to turn workspace:* into versions.
 */
function linkWorkspaceDependencies(root) {
  const packages = new Map();
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (existsSync(file)) packages.set(readJson(file).name, join(root, 'packages', dir));
  }
  for (const dir of packages.values()) {
    const manifest = readJson(join(dir, 'package.json'));
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (!String(range).startsWith('workspace:') || !packages.has(name)) continue;
        const link = join(dir, 'node_modules', name);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(relative(dirname(link), packages.get(name)), link);
      }
    }
  }
}

/** Adds a patch changeset for one package, so a snapshot can be cut even right after a release. */
export function addProbeChangeset(root, packageName) {
  writeFileSync(
    join(root, '.changeset', 'release-gates-snapshot-probe.md'),
    `---\n"${packageName}": patch\n---\n\nSnapshot rehearsal.\n`,
  );
}

/** Runs the repo's own changesets CLI; returns its exit status and output. */
export function versionSnapshot(root, tag) {
  const run = spawnSync(process.execPath, [CHANGESET_BIN, 'version', '--snapshot', tag], {
    cwd: root,
    encoding: 'utf8',
    // As in CI: changesets never prompts there.
    env: { ...process.env, CI: 'true' },
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Name → { version, private } for every package in the copy. */
export function versions(root) {
  const out = {};
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const m = readJson(file);
    out[m.name] = { dir: join(root, 'packages', dir), version: m.version, private: m.private === true };
  }
  return out;
}
