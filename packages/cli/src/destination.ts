// Where the downloaded zip goes. Checked before anything is sent: an export can take
// minutes, and finding out afterwards that --out already exists would waste it.
import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DownloadError } from '@hss-export/client/node';
import { UsageError } from './errors.js';

/** hss-containers-20260131T120000Z.zip: known before the task exists, sortable, UTC. */
export function timestampedName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `hss-containers-${stamp}.zip`;
}

/** A server-given id used in a file name must not be able to name another folder. */
export function isSafeFileNamePart(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(text) && !text.includes('..');
}

/**
 * The absolute destination for `--out` (or the default name in the current folder). A path
 * naming an existing folder, or ending in a slash, gets the default name inside it.
 * Fails with a usage error if the file exists and `force` is not set.
 */
export async function resolveDestination(
  out: string | undefined,
  cwd: string,
  force: boolean,
  defaultName: string,
): Promise<string> {
  if (out === '') throw new UsageError('--out needs a file path');
  let path = resolve(cwd, out ?? defaultName);
  if (out !== undefined && (/[/\\]$/.test(out) || (await stat(path).catch(() => undefined))?.isDirectory())) {
    path = join(path, defaultName);
  }
  // lstat: a dangling symlink still occupies the name.
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--out ${path} is a folder that already exists`);
  if (existing && !force) {
    throw new UsageError(
      `${path} already exists; pass --force to replace it, or choose another --out. Nothing was sent.`,
    );
  }
  const parent = await stat(dirname(path)).catch(() => undefined);
  if (parent && !parent.isDirectory()) throw new UsageError(`--out ${path}: ${dirname(path)} is not a folder`);
  return path;
}

/** Creates the destination's missing folders, right before the download. */
export async function ensureParentFolder(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DownloadError(
      'DESTINATION_DIR_MISSING',
      `could not create the folder ${dirname(path)}: ${detail}`,
      path,
      { cause: error },
    );
  }
}
