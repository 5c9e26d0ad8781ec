// downloadExportToFile refuses a destination it cannot write before it sends the request,
// and hands the response to writeStreamToFile's checks (issue 9, item 4).
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DownloadError, downloadExportToFile } from '../../src/node/index.js';
import { DOWNLOAD, SECRETS, setup } from '../support/clients.js';
import { ONE_FILE } from './zip-fixtures.js';

const zipStep = (bytes: Buffer) => ({
  status: 200,
  body: bytes,
  headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hss-download-to-file-'));
});
afterEach(async () => {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

// Root (and CAP_DAC_OVERRIDE) writes into a 0500 folder anyway, so the permission test can
// only mean something where a read-only mode really stops writes. Found out by trying.
let modesStopWrites = true;
beforeAll(async () => {
  const probe = await mkdtemp(join(tmpdir(), 'hss-mode-probe-'));
  await chmod(probe, 0o500);
  try {
    writeFileSync(join(probe, 'probe'), '');
    modesStopWrites = false;
  } catch {
    // EACCES: as intended.
  } finally {
    await chmod(probe, 0o700);
    await rm(probe, { recursive: true, force: true });
  }
});

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  for (const secret of SECRETS) expect((error as Error).message).not.toContain(secret);
  return error as DownloadError;
}

describe('downloadExportToFile', () => {
  it('saves a complete zip', async () => {
    const { client } = await setup({ [DOWNLOAD]: [zipStep(ONE_FILE.bytes)] });
    const written = await downloadExportToFile(client, 'file-1', join(dir, 'export.zip'));
    expect(written.bytes).toBe(ONE_FILE.bytes.length);
    expect(await readdir(dir)).toEqual(['export.zip']);
  });

  it('a missing folder: DESTINATION_DIR_MISSING before the request', async () => {
    const { client, server } = await setup({ [DOWNLOAD]: [zipStep(ONE_FILE.bytes)] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(dir, 'no', 'such', 'export.zip')));
    expect(e.code).toBe('DESTINATION_DIR_MISSING');
    expect(e.message).toContain(join(dir, 'no', 'such'));
    expect(server.received).toHaveLength(0);
  });

  it('a folder path that runs through a regular file: DESTINATION_DIR_MISSING before the request', async () => {
    await writeFile(join(dir, 'file.txt'), 'not a folder');
    const { client, server } = await setup({ [DOWNLOAD]: [zipStep(ONE_FILE.bytes)] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(dir, 'file.txt', 'export.zip')));
    expect(e.code).toBe('DESTINATION_DIR_MISSING');
    expect(e.message).toContain(join(dir, 'file.txt'));
    expect(server.received).toHaveLength(0);
  });

  it('a read-only folder: DESTINATION_NOT_WRITABLE before the request', async (ctx) => {
    if (!modesStopWrites) {
      ctx.skip('running as root (or with CAP_DAC_OVERRIDE): a 0500 folder is still writable, nothing to refuse');
    }
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly, { mode: 0o500 });
    const { client, server } = await setup({ [DOWNLOAD]: [zipStep(ONE_FILE.bytes)] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(readOnly, 'export.zip')));
    expect(e.code).toBe('DESTINATION_NOT_WRITABLE');
    expect(e.message).toContain(readOnly);
    expect(e.message).toMatch(/permission/i);
    expect(server.received).toHaveLength(0);
  });

  it('an existing destination: DESTINATION_EXISTS before the request', async () => {
    await writeFile(join(dir, 'export.zip'), 'keep');
    const { client, server } = await setup({ [DOWNLOAD]: [zipStep(ONE_FILE.bytes)] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(dir, 'export.zip')));
    expect(e.code).toBe('DESTINATION_EXISTS');
    expect(server.received).toHaveLength(0);
  });

  it('a body with the right Content-Length that is not a whole zip: INCOMPLETE_ZIP, no file', async () => {
    const garbage = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(2000, 0x61)]);
    const { client } = await setup({ [DOWNLOAD]: [zipStep(garbage)] });
    const e = await failure(downloadExportToFile(client, 'file-1', join(dir, 'export.zip')));
    expect(e.code).toBe('INCOMPLETE_ZIP');
    expect(await readdir(dir)).toEqual([]);
  });
});
