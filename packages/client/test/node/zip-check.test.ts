// findZipProblem reads a bounded tail, not the file: checked on archives of several GB that
// exist only as a function answering reads, so any read of the middle would show.
import { describe, expect, it } from 'vitest';

import { MAX_TAIL_READ, findZipProblem, type ReadAt } from '../../src/node/zip-check.js';

const GiB = 1024 ** 3;

/** The end of a one-entry archive whose central directory starts at `cdOffset`. */
function endRecords(cdOffset: number, zip64: boolean): Buffer {
  const name = Buffer.from('containers.csv');
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(name.length, 28);
  const cd = Buffer.concat([central, name]);
  const parts = [cd];
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(1n, 24);
    record.writeBigUInt64LE(1n, 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(record, locator);
    eocd.fill(0xff, 8, 20);
  } else {
    eocd.writeUInt16LE(1, 8);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(cdOffset, 16);
  }
  parts.push(eocd);
  return Buffer.concat(parts);
}

/** A `size`-byte file that is zeros (after a local header signature) up to `end`, which closes it. */
function virtualFile(size: number, end: Buffer) {
  const endAt = size - end.length;
  const reads: { position: number; length: number }[] = [];
  const readAt: ReadAt = async (position, length) => {
    reads.push({ position, length });
    const out = new Uint8Array(Math.max(0, Math.min(length, size - position)));
    for (let i = 0; i < out.length; i++) {
      const at = position + i;
      if (at >= endAt) out[i] = end[at - endAt]!;
      else if (at < 4) out[i] = [0x50, 0x4b, 0x03, 0x04][at]!;
    }
    return out;
  };
  return { readAt, reads };
}

function bytesRead(reads: { length: number }[]): number {
  return reads.reduce((sum, r) => sum + r.length, 0);
}

describe('findZipProblem', () => {
  it('a 3 GiB classic archive: only the tail and the directory start are read', async () => {
    const size = 3 * GiB;
    const end = endRecords(size - 60 - 22, false);
    const { readAt, reads } = virtualFile(size, end);
    expect(await findZipProblem(size, readAt)).toBeUndefined();
    expect(bytesRead(reads)).toBeLessThanOrEqual(MAX_TAIL_READ + 20 + 4);
    expect(Math.max(...reads.map((r) => r.length))).toBe(MAX_TAIL_READ);
  });

  it('a 6 GiB ZIP64 archive: the tail, the ZIP64 records and the directory start', async () => {
    const size = 6 * GiB;
    const end = endRecords(size - 60 - 56 - 20 - 22, true);
    const { readAt, reads } = virtualFile(size, end);
    expect(await findZipProblem(size, readAt)).toBeUndefined();
    expect(bytesRead(reads)).toBeLessThanOrEqual(MAX_TAIL_READ + 20 + 56 + 4);
  });

  it('the same 6 GiB archive missing its last byte is reported, with the same bounded reads', async () => {
    const size = 6 * GiB;
    const end = endRecords(size - 60 - 56 - 20 - 22, true);
    const { readAt, reads } = virtualFile(size, end.subarray(0, end.length - 1));
    expect(await findZipProblem(size - 1, readAt)).toMatch(/no end-of-central-directory record/);
    expect(bytesRead(reads)).toBe(MAX_TAIL_READ);
  });

  it('a file that cannot be read back in full is a problem, not an exception', async () => {
    const readAt: ReadAt = async () => new Uint8Array(3);
    expect(await findZipProblem(100, readAt)).toMatch(/only 3 of 100 bytes could be read back/);
  });
});
