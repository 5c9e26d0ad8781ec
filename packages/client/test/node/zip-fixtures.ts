// Small zip archives built byte by byte, so each test can state exactly which part of the
// format it breaks. Stored (uncompressed) entries are enough: the completeness check looks
// at the archive's structure, never at entry data.
import { crc32 } from 'node:zlib';

export interface Entry {
  name: string;
  data: Buffer;
}

export interface ZipLayout {
  bytes: Buffer;
  /** Where the central directory starts. */
  cdOffset: number;
  cdSize: number;
  /** Where the (classic) end-of-central-directory record starts. */
  eocdOffset: number;
}

export interface ZipOptions {
  comment?: string;
  /** Write a ZIP64 end record and locator, with the classic record's fields set to 0xFFFF.. as ZIP64 writers do. */
  zip64?: boolean;
}

/** The smallest valid archive: just the 22-byte end-of-central-directory record. */
export const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);

export function storedZip(entries: Entry[], options: ZipOptions = {}): ZipLayout {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(10, 6); // version needed
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42); // local header offset
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cdOffset = offset;
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'latin1');

  const tail: Buffer[] = [];
  if (options.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(BigInt(56 - 12), 4); // size of the rest of the record
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cd.length), 8);
    locator.writeUInt32LE(1, 16); // total number of disks
    tail.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  if (options.zip64) {
    eocd.fill(0xff, 8, 20); // entry counts, CD size and offset: "see the ZIP64 record"
  } else {
    eocd.writeUInt16LE(entries.length, 8);
    eocd.writeUInt16LE(entries.length, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(cdOffset, 16);
  }
  eocd.writeUInt16LE(comment.length, 20);

  const head = Buffer.concat([...locals, cd, ...tail]);
  return {
    bytes: Buffer.concat([head, eocd, comment]),
    cdOffset,
    cdSize: cd.length,
    eocdOffset: head.length,
  };
}

export const ONE_FILE = storedZip([{ name: 'containers.csv', data: Buffer.from('name,image\nweb,nginx:1.27\n') }]);

/** A copy of `zip` with the little-endian field at `offset` set to `value`. */
export function patched(zip: Buffer, offset: number, value: number, width: 2 | 4 = 4): Buffer {
  const copy = Buffer.from(zip);
  if (width === 2) copy.writeUInt16LE(value, offset);
  else copy.writeUInt32LE(value, offset);
  return copy;
}

/** A stream delivering `bytes` in `chunkSize` pieces, like a network body. */
export function streamOf(bytes: Buffer, chunkSize = 7): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + chunkSize)));
      at += chunkSize;
    },
  });
}
