// Issue 9, item 4: a download is kept only if it is a whole zip archive. A body that stops
// early without an error (a close-delimited response cut short) or that starts like a zip and
// then holds something else must fail with INCOMPLETE_ZIP and leave nothing behind.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DownloadError, writeStreamToFile } from '../../src/node/write-file-atomic.js';
import { EMPTY_ZIP, ONE_FILE, patched, storedZip, streamOf } from './zip-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hss-zip-complete-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the download to be rejected, but the file was saved');
}

/** Writes `bytes` with a matching expectedBytes, as a server with an honest Content-Length would. */
function save(bytes: Buffer, name = 'export.zip') {
  return writeStreamToFile(streamOf(bytes), join(dir, name), { expectedBytes: bytes.length });
}

async function expectIncomplete(bytes: Buffer, reason: RegExp): Promise<DownloadError> {
  const error = await rejection(save(bytes));
  expect(error).toBeInstanceOf(DownloadError);
  const e = error as DownloadError;
  expect(e.code).toBe('INCOMPLETE_ZIP');
  expect(e.message).toContain(join(dir, 'export.zip'));
  expect(e.message).toMatch(reason);
  expect(e.message).toMatch(/no file was left/);
  expect(await readdir(dir)).toEqual([]);
  return e;
}

describe('complete archives are saved', () => {
  it('the 22-byte empty archive', async () => {
    expect((await save(EMPTY_ZIP)).bytes).toBe(22);
    expect(await readFile(join(dir, 'export.zip'))).toEqual(EMPTY_ZIP);
  });

  it('one stored entry, several entries, and a trailing comment', async () => {
    const many = storedZip([
      { name: 'a.csv', data: Buffer.from('a\n') },
      { name: 'b.csv', data: Buffer.alloc(5000, 0x62) },
      { name: 'c/d.csv', data: Buffer.alloc(0) },
    ]);
    const commented = storedZip([{ name: 'a.csv', data: Buffer.from('a\n') }], { comment: 'PK\x05\x06 in a comment' });
    for (const [name, zip] of [
      ['one.zip', ONE_FILE.bytes],
      ['many.zip', many.bytes],
      ['commented.zip', commented.bytes],
    ] as const) {
      expect((await save(zip, name)).bytes).toBe(zip.length);
      expect(await readFile(join(dir, name))).toEqual(zip);
    }
    expect((await readdir(dir)).sort()).toEqual(['commented.zip', 'many.zip', 'one.zip']);
  });

  it('a ZIP64 archive (end record fields point to the ZIP64 end record)', async () => {
    const zip = storedZip([{ name: 'a.csv', data: Buffer.from('a\n') }], { zip64: true }).bytes;
    expect((await save(zip)).bytes).toBe(zip.length);
  });

  it('requireZip: false still saves arbitrary bytes', async () => {
    const garbage = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100, 0x61)]);
    const dest = join(dir, 'raw.bin');
    await writeStreamToFile(streamOf(garbage), dest, { requireZip: false });
    expect(await readFile(dest)).toEqual(garbage);
  });
});

describe('incomplete or broken archives fail with INCOMPLETE_ZIP and leave no file', () => {
  const zip = ONE_FILE.bytes;

  it.each([
    ['just the local header signature', 4],
    ['inside the local header', 20],
    ['inside the entry data', 50],
    ['where the central directory starts', ONE_FILE.cdOffset],
    ['inside the central directory', ONE_FILE.cdOffset + 30],
    ['where the end record starts', ONE_FILE.eocdOffset],
    ['inside the end record', ONE_FILE.eocdOffset + 12],
    ['one byte short', zip.length - 1],
  ])('cut short %s (%i bytes)', async (_what, cut) => {
    await expectIncomplete(zip.subarray(0, cut), /cut short|shorter than|end-of-central-directory/);
  });

  it('PK\\x03\\x04 followed by garbage', async () => {
    const garbage = Buffer.alloc(64 * 1024, 0x61);
    garbage.write('PK\x03\x04', 'latin1');
    const e = await expectIncomplete(garbage, /no end-of-central-directory record/);
    expect(e.message).toContain('65536');
  });

  it('an end record whose central directory offset is off by one, either way', async () => {
    await expectIncomplete(patched(zip, ONE_FILE.eocdOffset + 16, ONE_FILE.cdOffset + 1), /central directory/);
    await expectIncomplete(patched(zip, ONE_FILE.eocdOffset + 16, ONE_FILE.cdOffset - 1), /central directory/);
  });

  it('an end record pointing past the end of the file', async () => {
    await expectIncomplete(patched(zip, ONE_FILE.eocdOffset + 16, 0x7fffffff), /central directory/);
  });

  it('a central directory that does not start with a central file header', async () => {
    await expectIncomplete(patched(zip, ONE_FILE.cdOffset, 0x04034b50), /no central directory header/);
  });

  it('a central directory too small for the number of entries it claims', async () => {
    const tooMany = patched(patched(zip, ONE_FILE.eocdOffset + 8, 9, 2), ONE_FILE.eocdOffset + 10, 9, 2);
    await expectIncomplete(tooMany, /too small for 9 entries/);
  });

  it('one extra byte after the end record', async () => {
    await expectIncomplete(Buffer.concat([zip, Buffer.from([0])]), /1 byte\(s\) follow it/);
  });

  it('one extra byte after the empty archive', async () => {
    await expectIncomplete(Buffer.concat([EMPTY_ZIP, Buffer.from([0])]), /1 byte\(s\) follow it/);
  });

  it('a comment cut short', async () => {
    const commented = storedZip([{ name: 'a.csv', data: Buffer.from('a\n') }], { comment: 'exported by HSS' }).bytes;
    await expectIncomplete(commented.subarray(0, commented.length - 3), /15-byte comment/);
  });

  it('garbage in front of an "empty archive" end record', async () => {
    const forged = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100, 0x61), EMPTY_ZIP]);
    await expectIncomplete(forged, /no entries.*104 bytes/);
  });

  it('part of a split (multi-file) archive', async () => {
    await expectIncomplete(patched(zip, ONE_FILE.eocdOffset + 4, 1, 2), /split/);
  });

  it('a ZIP64 end record that is missing or does not match its locator', async () => {
    const z64 = storedZip([{ name: 'a.csv', data: Buffer.from('a\n') }], { zip64: true });
    const locator = z64.eocdOffset - 20;
    // The locator points one byte past the ZIP64 record.
    const pointer = z64.bytes.readUInt32LE(locator + 8);
    await expectIncomplete(patched(z64.bytes, locator + 8, pointer + 1), /ZIP64/);
    // No locator at all, but the classic record says "see ZIP64".
    await expectIncomplete(patched(z64.bytes, locator, 0), /ZIP64/);
  });
});

describe('over HTTP', () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** An HTTP/1.1 server that ends the body by closing the connection (no Content-Length, not chunked). */
  async function closeDelimited(body: Buffer): Promise<string> {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        socket.end(
          Buffer.concat([
            Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n', 'latin1'),
            body,
          ]),
        );
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/download`;
  }

  it('a close-delimited body cut short: the stream ends cleanly, the archive does not', async () => {
    const url = await closeDelimited(ONE_FILE.bytes.subarray(0, ONE_FILE.cdOffset + 10));
    const res = await fetch(url);
    expect(res.headers.get('content-length')).toBeNull();
    const error = await rejection(writeStreamToFile(res.body!, join(dir, 'export.zip')));
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('INCOMPLETE_ZIP');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a complete close-delimited body is saved', async () => {
    const url = await closeDelimited(ONE_FILE.bytes);
    const res = await fetch(url);
    await writeStreamToFile(res.body!, join(dir, 'export.zip'));
    expect(await readFile(join(dir, 'export.zip'))).toEqual(ONE_FILE.bytes);
  });
});
