// The types package promises declarations only: count the JavaScript its tarball ships.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, publishedPackages, tarballEntries } from './repo.mjs';

export const JS_FILE = /\.(?:[cm]?js|jsx)$/;

/** @returns {{ files: Array<{ path: string, size: number }>, jsFiles: string[], jsBytes: number }} */
export async function typesTarballJs() {
  const types = publishedPackages().find((p) => p.manifest.name === '@hss-export/types');
  if (!types) throw new Error('packages/types (@hss-export/types) not found among the published packages');
  const dir = mkdtempSync(join(tmpdir(), 'hss-types-pack-'));
  try {
    const tarball = await pack(types.dir, dir);
    const files = tarballEntries(tarball);
    const js = files.filter((f) => JS_FILE.test(f.path));
    return { files, jsFiles: js.map((f) => f.path), jsBytes: js.reduce((t, f) => t + f.size, 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
