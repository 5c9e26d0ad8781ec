// The "folder not writable" refusal, independent of who runs the tests: under root a 0500
// folder is writable, so here access() itself is made to answer EACCES / EROFS, the way the
// kernel does for an unprivileged user or a read-only mount. download-to-file.test.ts and
// the CLI tests cover the real permission check where the test user allows it.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { DownloadError, downloadExportToFile, writeStreamToFile } from '../../src/node/index.js';
import { DOWNLOAD, setup } from '../support/clients.js';
import { ONE_FILE, streamOf } from './zip-fixtures.js';

const refuse = vi.hoisted(() => ({ folder: undefined as string | undefined, code: 'EACCES' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    access: async (path: Parameters<typeof real.access>[0], mode?: number) => {
      if (refuse.folder !== undefined && String(path) === refuse.folder) {
        throw Object.assign(new Error(`${refuse.code}: access '${String(path)}'`), { code: refuse.code });
      }
      return real.access(path, mode);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hss-destination-access-'));
});
afterEach(async () => {
  refuse.folder = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

describe('a destination folder this process may not write', () => {
  it('downloadExportToFile: DESTINATION_NOT_WRITABLE naming the folder, before the request', async () => {
    refuse.folder = dir;
    const { client, server } = await setup({ [DOWNLOAD]: [{ status: 200, body: ONE_FILE.bytes }] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(dir, 'export.zip')));
    expect(e.code).toBe('DESTINATION_NOT_WRITABLE');
    expect(e.message).toContain(dir);
    expect(e.message).toContain('may not create files there (EACCES)');
    expect(e.message).toMatch(/writable folder|permissions/);
    expect(server.received).toHaveLength(0);
  });

  it('a read-only file system is named as such', async () => {
    refuse.folder = dir;
    refuse.code = 'EROFS';
    const e = await failure(writeStreamToFile(streamOf(ONE_FILE.bytes), join(dir, 'export.zip')));
    expect(e.code).toBe('DESTINATION_NOT_WRITABLE');
    expect(e.message).toContain('read-only file system');
    expect(await readdir(dir)).toEqual([]);
  });
});
