// Names of the temporary files downloads are written to, and removal of the ones a killed
// process left behind.
//
// A temp file is `.<name>.<owner>-<pid>.<random>.part`: <pid> is the writing process, <owner>
// a hash of the host name and, on Linux, the PID namespace that pid belongs to. A leftover is
// removed only if its owner tag is ours and no process with its pid exists. That is safe
// because a running download's process exists until the download ends, and the random part
// means no later process ever writes to a file of that name again: so a missing pid means
// nobody is writing it. The owner tag is what makes "no such pid" meaningful: on another host
// sharing the folder (NFS), or in another container with its own PID namespace, the same
// number names a different process, so those files are never touched. A pid reused by an
// unrelated process only makes us keep a dead file longer, never delete a live one.
//
// Chosen over a lock file: locks need a second file per download that can itself be left
// behind, and Node has no portable flock(); the pid check needs nothing but the name.

import { createHash, randomBytes } from 'node:crypto';
import { opendir, readlink, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const PART_PATTERN = /^([0-9a-f]{8})-([1-9][0-9]{0,9})\.[0-9a-f]{12}\.part$/;
const MAX_PID = 0x7fffffff;

let ownerTagPromise: Promise<string> | undefined;

function ownerTag(): Promise<string> {
  ownerTagPromise ??= (async () => {
    // "pid:[4026531836]": differs between containers on one host, even with the same host name.
    const namespace = await readlink('/proc/self/ns/pid').catch(() => '');
    return createHash('sha256').update(`${hostname()}\0${namespace}`).digest('hex').slice(0, 8);
  })();
  return ownerTagPromise;
}

/** A fresh temp path next to `target` (same folder, so the final link/rename stays on one filesystem). */
export async function partPathFor(dir: string, base: string): Promise<string> {
  return join(dir, `.${base}.${await ownerTag()}-${process.pid}.${randomBytes(6).toString('hex')}.part`);
}

/**
 * Removes the temp files of downloads of `base` whose process is gone. Best effort: a
 * leftover that cannot be listed or removed must not stop a new download.
 */
export async function removeStaleParts(dir: string, base: string): Promise<string[]> {
  const prefix = `.${base}.`;
  const tag = await ownerTag();
  const removed: string[] = [];
  try {
    // opendir streams the entries: a folder of many files costs no more memory than a small one.
    for await (const entry of await opendir(dir)) {
      const name = entry.name;
      if (!name.startsWith(prefix)) continue;
      // Anchored on both ends, so "export.zip.x"'s parts never match for "export.zip".
      const match = PART_PATTERN.exec(name.slice(prefix.length));
      if (!match || match[1] !== tag) continue;
      const pid = Number(match[2]);
      if (pid > MAX_PID || processExists(pid)) continue;
      try {
        await unlink(join(dir, name));
        removed.push(name);
      } catch {
        // Gone already (another run cleaned it), or not ours to remove: either way, carry on.
      }
    }
  } catch {
    // The folder cannot be listed: the download itself will report what is wrong with it.
  }
  return removed;
}

function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    // Signal 0 checks existence without signalling. pid is >= 1 here: 0 and negative
    // numbers would address process groups.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user. Only ESRCH means it is gone.
    return !(typeof error === 'object' && error !== null && 'code' in error && error.code === 'ESRCH');
  }
}
