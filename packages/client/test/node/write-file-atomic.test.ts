import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from 'vitest';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { DownloadError, writeStreamToFile } from '../../src/node/write-file-atomic.js';

// Sent with every request so the tests can assert it never leaks into an error message.
const SECRET_HEADER_VALUE = 'secret-token-must-not-leak';

const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
const ONE_FILE_ZIP = storedZip('hello.txt', Buffer.from('hello, export\n'));
const LARGE_SIZE = 50 * 1024 * 1024;
const ERROR_JSON = '{"error_code":"HSS.0001","error_msg":"file not ready"}';

let server: Server;
let baseUrl: string;
// Resolves with whether the response finished normally (false = the client went away early).
const responseClosed = new Map<string, Promise<boolean>>();

function trackClose(req: IncomingMessage, res: ServerResponse): void {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id');
  if (id) responseClosed.set(id, new Promise((r) => res.on('close', () => r(res.writableFinished))));
}

async function writeWithBackpressure(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((r) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        r();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> = {
  '/empty-zip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': EMPTY_ZIP.length });
    res.end(EMPTY_ZIP);
  },
  '/one-file-zip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': ONE_FILE_ZIP.length });
    res.end(ONE_FILE_ZIP);
  },
  // The signature arrives split across two network reads.
  '/split-signature': async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip' });
    res.write(EMPTY_ZIP.subarray(0, 1));
    await sleep(50);
    res.end(EMPTY_ZIP.subarray(1));
  },
  // Generated on the fly so the server side doesn't hold 50 MB either: one stored entry of
  // filler between a real local header and a real central directory + end record.
  '/large': async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': LARGE_SIZE });
    const { head, tail } = largeZipFrame(LARGE_SIZE);
    if (!(await writeWithBackpressure(res, head))) return;
    const filler = Buffer.alloc(64 * 1024, 0x61);
    let sent = head.length;
    const dataEnd = LARGE_SIZE - tail.length;
    while (sent < dataEnd) {
      const chunk = filler.subarray(0, Math.min(filler.length, dataEnd - sent));
      if (!(await writeWithBackpressure(res, chunk))) return;
      sent += chunk.length;
    }
    res.end(tail);
  },
  // Promises 1000 bytes, delivers 500, then the connection drops.
  '/reset': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': 1000 });
    const half = Buffer.alloc(500, 0x61);
    half.write('PK\x03\x04', 'latin1');
    res.write(half, () => setTimeout(() => res.socket?.destroy(), 20));
  },
  // Chunked, ends cleanly after 500 bytes: only expectedBytes can tell it is short.
  '/short-chunked': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip' });
    const half = Buffer.alloc(500, 0x61);
    half.write('PK\x03\x04', 'latin1');
    res.end(half);
  },
  '/json': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(ERROR_JSON);
  },
  '/html': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>');
  },
  // Zip signature, then one byte every 10 ms until the client disconnects.
  '/drip': (req, res) => {
    trackClose(req, res);
    res.writeHead(200, { 'content-type': 'application/zip' });
    res.write('PK\x03\x04', 'latin1');
    const timer = setInterval(() => res.write('a'), 10);
    res.on('close', () => clearInterval(timer));
  },
  // Empty zip in two parts with a pause, leaving room to create the destination mid-download.
  '/slow-zip': async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': EMPTY_ZIP.length });
    res.write(EMPTY_ZIP.subarray(0, 8));
    await sleep(150);
    res.end(EMPTY_ZIP.subarray(8));
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    void Promise.resolve(route(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hss-download-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function body(path: string, init?: RequestInit): Promise<ReadableStream<Uint8Array>> {
  const res = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { 'x-auth-token': SECRET_HEADER_VALUE },
  });
  expect(res.body).not.toBeNull();
  return res.body!;
}

async function contentLength(path: string): Promise<{ stream: ReadableStream<Uint8Array>; length: number }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { 'x-auth-token': SECRET_HEADER_VALUE } });
  return { stream: res.body!, length: Number(res.headers.get('content-length')) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

function expectDownloadError(error: unknown, code: DownloadError['code']): DownloadError {
  expect(error).toBeInstanceOf(DownloadError);
  const e = error as DownloadError;
  expect(e.code).toBe(code);
  expect(e.message).not.toContain(SECRET_HEADER_VALUE);
  return e;
}

describe('writeStreamToFile', () => {
  it('writes a small zip with mode 0o600, reports progress and leaves no temp file', async () => {
    const dest = join(dir, 'export.zip');
    const progress: number[] = [];
    const { stream, length } = await contentLength('/one-file-zip');

    const result = await writeStreamToFile(stream, dest, {
      expectedBytes: length,
      onProgress: (n) => progress.push(n),
    });

    expect(result).toEqual({ path: dest, bytes: ONE_FILE_ZIP.length });
    expect(await readFile(dest)).toEqual(ONE_FILE_ZIP);
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['export.zip']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(ONE_FILE_ZIP.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
  });

  it('accepts an empty archive whose signature is split across chunks', async () => {
    const dest = join(dir, 'empty.zip');
    const result = await writeStreamToFile(await body('/split-signature'), dest);
    expect(result.bytes).toBe(22);
    expect(await readFile(dest)).toEqual(EMPTY_ZIP);
    expect(await readdir(dir)).toEqual(['empty.zip']);
  });

  it('honours a custom mode', async () => {
    const dest = join(dir, 'export.zip');
    await writeStreamToFile(await body('/empty-zip'), dest, { mode: 0o640 });
    expect((await stat(dest)).mode & 0o777).toBe(0o640);
  });

  it('streams ~50 MB in constant memory', async () => {
    const dest = join(dir, 'large.zip');
    const { stream, length } = await contentLength('/large');
    const gc = exposeGc();
    gc();
    const baseline = process.memoryUsage().rss;
    const baselineBuffers = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    let peakBuffers = baselineBuffers;
    let lastSample = 0;

    const result = await writeStreamToFile(stream, dest, {
      expectedBytes: length,
      onProgress: (n) => {
        if (n - lastSample >= 1024 * 1024) {
          lastSample = n;
          // Collect first so the sample shows what is retained, not garbage chunks V8 hasn't reclaimed yet.
          gc();
          const usage = process.memoryUsage();
          peak = Math.max(peak, usage.rss);
          peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
        }
      },
    });
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(result.bytes).toBe(LARGE_SIZE);
    expect((await stat(dest)).size).toBe(LARGE_SIZE);
    expect(await readdir(dir)).toEqual(['large.zip']);
    const growthMb = (peak - baseline) / (1024 * 1024);
    const buffersMb = (peakBuffers - baselineBuffers) / (1024 * 1024);
    console.log(
      `[write-file-atomic] streaming 50 MB: peak RSS growth ${growthMb.toFixed(1)} MB, retained ArrayBuffer growth ${buffersMb.toFixed(1)} MB`,
    );
    expect(growthMb).toBeLessThan(40);
    // A writer that kept chunks around would retain ~50 MB here; streaming keeps a few chunks in flight.
    expect(buffersMb).toBeLessThan(20);
  });

  it('rejects when the connection drops before Content-Length bytes arrive', async () => {
    const dest = join(dir, 'export.zip');
    const { stream, length } = await contentLength('/reset');
    expect(length).toBe(1000);

    const error = await rejection(writeStreamToFile(stream, dest, { expectedBytes: length }));

    // undici only says "terminated"; the error names the file and how far it got.
    const e = expectDownloadError(error, 'TRUNCATED');
    expect(e.message).toMatch(/broke off after \d+ of 1000 bytes: terminated/);
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.message).not.toContain(SECRET_HEADER_VALUE);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with TRUNCATED when a clean stream ends short of expectedBytes', async () => {
    const dest = join(dir, 'export.zip');
    const error = await rejection(writeStreamToFile(await body('/short-chunked'), dest, { expectedBytes: 1000 }));
    const e = expectDownloadError(error, 'TRUNCATED');
    expect(e.message).toContain('1000');
    expect(e.message).toContain('500');
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with TRUNCATED as soon as the stream exceeds expectedBytes', async () => {
    const dest = join(dir, 'export.zip');
    const error = await rejection(writeStreamToFile(await body('/short-chunked'), dest, { expectedBytes: 100 }));
    expectDownloadError(error, 'TRUNCATED');
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with NOT_A_ZIP on a JSON error body and says what it received', async () => {
    const dest = join(dir, 'export.zip');
    const error = await rejection(writeStreamToFile(await body('/json'), dest));
    const e = expectDownloadError(error, 'NOT_A_ZIP');
    expect(e.message).toContain('7b 22 65 72');
    expect(e.message).toContain('JSON');
    expect(e.message).toContain('HSS.0001');
    expect(await readdir(dir)).toEqual([]);
  });

  it('recognises an HTML error page', async () => {
    const error = await rejection(writeStreamToFile(await body('/html'), join(dir, 'export.zip')));
    expect(expectDownloadError(error, 'NOT_A_ZIP').message).toContain('HTML');
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes non-zip content when requireZip is false', async () => {
    const dest = join(dir, 'raw.bin');
    const result = await writeStreamToFile(await body('/json'), dest, { requireZip: false });
    expect(result.bytes).toBe(ERROR_JSON.length);
    expect(await readFile(dest, 'utf8')).toBe(ERROR_JSON);
  });

  it('refuses an existing destination without overwrite, before reading, and cancels the response', async () => {
    const dest = join(dir, 'export.zip');
    await writeFile(dest, 'original content');

    // /drip never ends, so settling at all proves nothing waited for the body.
    const error = await rejection(writeStreamToFile(await body('/drip?id=exists'), dest));

    const e = expectDownloadError(error, 'DESTINATION_EXISTS');
    expect(e.message).toMatch(/overwrite/);
    expect(e.message).toMatch(/--force/);
    expect(await readFile(dest, 'utf8')).toBe('original content');
    expect(await readdir(dir)).toEqual(['export.zip']);
    expect(await responseClosed.get('exists')).toBe(false);
  });

  it('replaces an existing destination with overwrite: true', async () => {
    const dest = join(dir, 'export.zip');
    await writeFile(dest, 'original content', { mode: 0o644 });

    const result = await writeStreamToFile(await body('/one-file-zip'), dest, { overwrite: true });

    expect(result.bytes).toBe(ONE_FILE_ZIP.length);
    expect(await readFile(dest)).toEqual(ONE_FILE_ZIP);
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['export.zip']);
  });

  it('keeps an existing file byte-identical when an overwrite download fails', async () => {
    const dest = join(dir, 'export.zip');
    await writeFile(dest, 'original content');
    const error = await rejection(writeStreamToFile(await body('/json'), dest, { overwrite: true }));
    expectDownloadError(error, 'NOT_A_ZIP');
    expect(await readFile(dest, 'utf8')).toBe('original content');
    expect(await readdir(dir)).toEqual(['export.zip']);
  });

  it('does not clobber a destination created while the download was running', async () => {
    const dest = join(dir, 'export.zip');
    let raced = false;
    const error = await rejection(
      writeStreamToFile(await body('/slow-zip'), dest, {
        onProgress: () => {
          if (!raced) {
            raced = true;
            writeFileSync(dest, 'created concurrently');
          }
        },
      }),
    );
    expectDownloadError(error, 'DESTINATION_EXISTS');
    expect(await readFile(dest, 'utf8')).toBe('created concurrently');
    expect(await readdir(dir)).toEqual(['export.zip']);
  });

  it('aborts mid-stream, rejects with the reason and leaves nothing behind', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const promise = writeStreamToFile(await body('/drip?id=abort'), join(dir, 'export.zip'), {
      signal: controller.signal,
      onProgress: (n) => {
        if (n >= 10) controller.abort(reason);
      },
    });
    expect(await rejection(promise)).toBe(reason);
    expect(await readdir(dir)).toEqual([]);
    expect(await responseClosed.get('abort')).toBe(false);
  });

  it('aborts while waiting for a chunk when the same signal also drives fetch', async () => {
    const controller = new AbortController();
    const reason = new Error('timed out');
    const stream = await body('/drip?id=abort-fetch', { signal: controller.signal });
    const promise = writeStreamToFile(stream, join(dir, 'export.zip'), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    expect(await rejection(promise)).toBe(reason);
    expect(await readdir(dir)).toEqual([]);
    expect(await responseClosed.get('abort-fetch')).toBe(false);
  });

  it('rejects immediately with an already-aborted signal', async () => {
    const reason = new Error('already cancelled');
    const promise = writeStreamToFile(await body('/drip?id=pre-aborted'), join(dir, 'export.zip'), {
      signal: AbortSignal.abort(reason),
    });
    expect(await rejection(promise)).toBe(reason);
    expect(await readdir(dir)).toEqual([]);
    expect(await responseClosed.get('pre-aborted')).toBe(false);
  });

  it('fails with DESTINATION_DIR_MISSING naming the directory', async () => {
    const missing = join(dir, 'no', 'such', 'dir');
    const error = await rejection(writeStreamToFile(await body('/drip?id=no-dir'), join(missing, 'export.zip')));
    const e = expectDownloadError(error, 'DESTINATION_DIR_MISSING');
    expect(e.message).toContain(missing);
    expect(await readdir(dir)).toEqual([]);
    expect(await responseClosed.get('no-dir')).toBe(false);
  });
});

// Without a collection, the peak RSS mostly measures how long V8 lets discarded
// network buffers pile up (tens of MB, varying run to run), not what the writer holds.
// The flag only takes effect for contexts created after it is set, hence the new context.
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

// A minimal single-entry zip using the "stored" method (no compression).
function storedZip(name: string, data: Buffer): Buffer {
  const nameBuf = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  central.writeUInt16LE(10, 6); // version needed
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);

  const centralOffset = local.length + nameBuf.length + data.length;
  const centralSize = central.length + nameBuf.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(centralSize, 12);
  eocd.writeUInt32LE(centralOffset, 16);

  return Buffer.concat([local, nameBuf, data, central, nameBuf, eocd]);
}

/**
 * The bytes before and after the data of a one-entry stored zip of `total` bytes. The CRC is
 * left 0: writeStreamToFile checks the archive's structure, not entry contents.
 */
function largeZipFrame(total: number): { head: Buffer; tail: Buffer } {
  const name = Buffer.from('large.bin');
  const tailSize = 46 + name.length + 22;
  const dataSize = total - (30 + name.length) - tailSize;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(dataSize, 18);
  local.writeUInt32LE(dataSize, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(dataSize, 20);
  central.writeUInt32LE(dataSize, 24);
  central.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(30 + name.length + dataSize, 16);
  return { head: Buffer.concat([local, name]), tail: Buffer.concat([central, name, eocd]) };
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
