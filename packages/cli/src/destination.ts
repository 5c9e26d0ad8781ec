// Where the downloaded zip goes. Checked before anything is sent: an export can take
// minutes, and finding out afterwards that --out already exists, or that its folder
// cannot be written, would waste it.
import { constants } from 'node:fs';
import { access, lstat, mkdir, stat } from 'node:fs/promises';
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
 * Fails with a usage error if the file exists and `force` is not set, or if its folder
 * (or, when the folder is still to be created, the nearest folder that exists) cannot be
 * written.
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
  await checkWritableFolder(path);
  return path;
}

// ensureParentFolder() creates missing folders later, so what must be writable now is the
// nearest folder that already exists: that is where the first new folder will be made.
async function checkWritableFolder(path: string): Promise<void> {
  const folder = dirname(path);
  let existing = folder;
  let stats: Awaited<ReturnType<typeof stat>>;
  for (;;) {
    try {
      stats = await stat(existing);
      break;
    } catch (error) {
      const code = errnoCode(error);
      const up = dirname(existing);
      // ENOTDIR: a file sits somewhere above; keep climbing to name it.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && up !== existing) {
        existing = up;
        continue;
      }
      throw new UsageError(
        `cannot save to ${path}: the folder ${existing} cannot be reached (${code ?? String(error)}). Nothing was sent. Choose another --out, or ask for access to ${existing}`,
      );
    }
  }
  if (!stats.isDirectory()) {
    throw new UsageError(
      existing === folder
        ? `--out ${path}: ${folder} is not a folder. Nothing was sent. Choose another --out`
        : `--out ${path}: ${existing} is a file, so the folder ${folder} cannot be created. Nothing was sent. Choose another --out`,
    );
  }
  try {
    // W_OK to create a name there, X_OK to reach it. The kernel answers for this process's
    // user, so root passes and a read-only mount fails, as the real write would.
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = errnoCode(error);
    const which =
      existing === folder ? `the folder ${folder}` : `the folder ${existing}, where ${folder} would be created,`;
    const fix =
      code === 'EROFS'
        ? 'Choose an --out on a writable file system'
        : `Choose another --out, or make the folder writable for this user (if it is yours: chmod u+w ${shellQuote(existing)})`;
    const why =
      code === 'EROFS' ? 'is on a read-only file system' : `is not writable by this user (${code ?? String(error)})`;
    throw new UsageError(`cannot save to ${path}: ${which} ${why}. Nothing was sent. ${fix}`);
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
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
