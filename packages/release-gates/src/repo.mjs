// Paths in the monorepo, and the published packages (every packages/*/package.json
// without `"private": true`), found rather than listed so that a new package is gated
// the day it appears.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(PACKAGE_DIR, '../..');
export const SPEC = join(REPO, 'spec/hss-export.openapi.yaml');
export const RELEASED_SPEC = join(REPO, 'spec/released/hss-export.openapi.yaml');
export const CHANGESETS = join(REPO, '.changeset');

export function publishedPackages(repo = REPO) {
  const dir = join(repo, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((d) => ({ dir: d, manifest: JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) }))
    .filter((p) => p.manifest.private !== true)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** `pnpm pack` (which rewrites workspace:* ranges) into `destination`; resolves to the tarball path. */
export async function pack(packageDir, destination) {
  const { stdout } = await promisify(execFile)('pnpm', ['pack', '--pack-destination', destination, '--json'], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(stdout).filename;
}

/** Files inside a tarball, without the leading `package/`, with their sizes in bytes. */
export function tarballEntries(tarball) {
  // `tar -tv` lines: mode owner/group size date time path
  return execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, , size, , , ...path] = line.trim().split(/\s+/);
      return { path: path.join(' ').replace(/^package\//, ''), size: Number(size) };
    });
}
