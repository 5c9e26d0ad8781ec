// Paths in the monorepo, and `pnpm pack`.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SPEC = join(REPO, 'spec/hss-export.openapi.yaml');
export const RELEASED_SPEC = join(REPO, 'spec/released/hss-export.openapi.yaml');
export const CHANGESETS = join(REPO, '.changeset');

/** `pnpm pack` (which rewrites workspace:* ranges) into `destination`; resolves to the tarball path. */
export async function pack(packageDir, destination) {
  const { stdout } = await promisify(execFile)('pnpm', ['pack', '--pack-destination', destination, '--json'], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(stdout).filename;
}
