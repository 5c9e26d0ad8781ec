// Is a file on disk a complete zip archive? Answered from its end: a zip is written front to
// back and closed by its end-of-central-directory record (EOCD), so a body cut short anywhere
// lacks a well-placed EOCD, and one that only starts like a zip (PK\x03\x04, then an error
// page or garbage) has none. Only the last 64 KiB (the EOCD and its longest possible comment)
// and a few fixed-size records are read, so memory and I/O stay constant however large the
// file is. Hand-written on purpose: zip libraries either read the whole central directory
// into memory or inflate entries; none answers just this question from the tail.
//
// Not checked: entry data and CRCs (that means reading and inflating everything), and each
// entry's local header (bytes lost or added before the directory already shift it away from
// the offset the EOCD records, which is checked; same-size corruption needs the CRCs).
//
// Layouts from PKWARE's APPNOTE.TXT 6.3.10, sections 4.3.12 to 4.3.16.

/** Reads `length` bytes at `position`; may return fewer only at the end of the file. */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_MIN_SIZE = 56;
// The record's own size field counts what follows it: everything but the signature and the field.
const ZIP64_EOCD_SIZE_FIELD_END = 12;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_MIN_SIZE = 46;

/** The largest read findZipProblem makes, for callers that size a buffer. */
export const MAX_TAIL_READ = EOCD_SIZE + MAX_COMMENT;

interface Directory {
  disk: number;
  directoryDisk: number;
  entriesOnDisk: number;
  entries: number;
  size: number;
  offset: number;
  /** Where the end records (ZIP64 record, or else the EOCD) begin: the directory must end here. */
  endRecordsAt: number;
  zip64: boolean;
}

/**
 * Returns what makes the `size`-byte file not a complete single-file zip archive, as a phrase
 * ("its last 1000 bytes hold no ..."), or undefined if its end records are consistent.
 */
export async function findZipProblem(size: number, readAt: ReadAt): Promise<string | undefined> {
  if (size < EOCD_SIZE) {
    return `it is only ${size} bytes long, shorter than the ${EOCD_SIZE}-byte end-of-central-directory record every zip archive ends with, so it was cut short`;
  }
  const tailLength = Math.min(size, MAX_TAIL_READ);
  const tailStart = size - tailLength;
  const tail = await readExactly(readAt, tailStart, tailLength);
  if (typeof tail === 'string') return tail;
  const view = viewOf(tail);

  // Backwards, because the comment (up to 64 KiB of anything) may itself contain the signature;
  // the real record is the one whose comment ends exactly at the end of the file.
  let eocdIndex = -1;
  let misplaced: { at: number; comment: number; after: number } | undefined;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (view.getUint32(i, true) !== EOCD_SIGNATURE) continue;
    const comment = view.getUint16(i + 20, true);
    const after = tailLength - i - EOCD_SIZE;
    if (comment === after) {
      eocdIndex = i;
      break;
    }
    misplaced ??= { at: tailStart + i, comment, after };
  }
  if (eocdIndex < 0) {
    if (misplaced) {
      return `its end-of-central-directory record at byte ${misplaced.at} declares a ${misplaced.comment}-byte comment, but ${misplaced.after} byte(s) follow it: ${misplaced.after > misplaced.comment ? 'something was appended after the archive' : 'the comment was cut short'}`;
    }
    return `its last ${tailLength} bytes hold no end-of-central-directory record (50 4b 05 06), which every zip archive ends with: the download was cut short, or the body only starts like a zip`;
  }

  const eocdAt = tailStart + eocdIndex;
  const classic: Directory = {
    disk: view.getUint16(eocdIndex + 4, true),
    directoryDisk: view.getUint16(eocdIndex + 6, true),
    entriesOnDisk: view.getUint16(eocdIndex + 8, true),
    entries: view.getUint16(eocdIndex + 10, true),
    size: view.getUint32(eocdIndex + 12, true),
    offset: view.getUint32(eocdIndex + 16, true),
    endRecordsAt: eocdAt,
    zip64: false,
  };
  const directory = await resolveZip64(classic, readAt);
  if (typeof directory === 'string') return directory;
  return checkDirectory(directory, readAt);
}

// A field at its maximum means "the real value is in the ZIP64 end record" (APPNOTE 4.4.1.4).
function needsZip64(d: Directory): boolean {
  return (
    d.disk === 0xffff ||
    d.directoryDisk === 0xffff ||
    d.entriesOnDisk === 0xffff ||
    d.entries === 0xffff ||
    d.size === 0xffffffff ||
    d.offset === 0xffffffff
  );
}

async function resolveZip64(classic: Directory, readAt: ReadAt): Promise<Directory | string> {
  const required = needsZip64(classic);
  const locatorAt = classic.endRecordsAt - ZIP64_LOCATOR_SIZE;
  const locator = locatorAt >= 0 ? await readExactly(readAt, locatorAt, ZIP64_LOCATOR_SIZE) : undefined;
  const hasLocator = locator instanceof Uint8Array && viewOf(locator).getUint32(0, true) === ZIP64_LOCATOR_SIGNATURE;
  if (!hasLocator) {
    return required
      ? `its end-of-central-directory record defers to a ZIP64 end record, but there is no ZIP64 locator (50 4b 06 07) at byte ${locatorAt} right before it`
      : classic;
  }
  const zip64 = await readZip64(viewOf(locator), locatorAt, readAt);
  if (typeof zip64 !== 'string') return zip64;
  // Some writers add ZIP64 records to every archive; when the classic fields are all real
  // values, a locator-lookalike that leads nowhere is just bytes of the last directory entry.
  return required ? zip64 : classic;
}

async function readZip64(locator: DataView, locatorAt: number, readAt: ReadAt): Promise<Directory | string> {
  const totalDisks = locator.getUint32(16, true);
  if (locator.getUint32(4, true) !== 0 || totalDisks > 1) {
    return `its ZIP64 locator says the archive spans ${totalDisks} files; only a single-file archive can be saved`;
  }
  const recordAt = safeNumber(locator.getBigUint64(8, true));
  if (recordAt === undefined || recordAt + ZIP64_EOCD_MIN_SIZE > locatorAt) {
    return `its ZIP64 locator points to byte ${locator.getBigUint64(8, true)} for the ZIP64 end record, which leaves no room for it before the locator at byte ${locatorAt}`;
  }
  const bytes = await readExactly(readAt, recordAt, ZIP64_EOCD_MIN_SIZE);
  if (typeof bytes === 'string') return bytes;
  const record = viewOf(bytes);
  if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) {
    return `there is no ZIP64 end record (50 4b 06 06) at byte ${recordAt}, where its ZIP64 locator points (found ${hex(bytes.subarray(0, 4))})`;
  }
  const recordEnd = safeNumber(BigInt(recordAt + ZIP64_EOCD_SIZE_FIELD_END) + record.getBigUint64(4, true));
  if (recordEnd !== locatorAt) {
    return `its ZIP64 end record at byte ${recordAt} would end at byte ${recordEnd ?? 'beyond 2^53'}, not at the ZIP64 locator at byte ${locatorAt}`;
  }
  const entriesOnDisk = safeNumber(record.getBigUint64(24, true));
  const entries = safeNumber(record.getBigUint64(32, true));
  const size = safeNumber(record.getBigUint64(40, true));
  const offset = safeNumber(record.getBigUint64(48, true));
  if (entriesOnDisk === undefined || entries === undefined || size === undefined || offset === undefined) {
    return `its ZIP64 end record at byte ${recordAt} holds counts or sizes beyond 2^53`;
  }
  return {
    disk: record.getUint32(16, true),
    directoryDisk: record.getUint32(20, true),
    entriesOnDisk,
    entries,
    size,
    offset,
    endRecordsAt: recordAt,
    zip64: true,
  };
}

async function checkDirectory(d: Directory, readAt: ReadAt): Promise<string | undefined> {
  const record = d.zip64 ? 'ZIP64 end record' : 'end-of-central-directory record';
  if (d.disk !== 0 || d.directoryDisk !== 0 || d.entriesOnDisk !== d.entries) {
    return `its ${record} describes part of a split (multi-file) archive (disk ${d.disk}, directory on disk ${d.directoryDisk}, ${d.entriesOnDisk} of ${d.entries} entries here); only a single-file archive can be saved`;
  }
  if (d.entries === 0) {
    // Nothing can precede the end records of an empty archive: the 22-byte EOCD is all of it.
    if (d.size !== 0 || d.offset !== 0 || d.endRecordsAt !== 0) {
      return `its ${record} lists no entries, yet ${d.endRecordsAt} bytes come before it (an empty zip archive is the end record alone)`;
    }
    return undefined;
  }
  const directoryEnd = d.offset + d.size;
  if (directoryEnd !== d.endRecordsAt) {
    return `its ${record} places the central directory at byte ${d.offset} (${d.size} bytes, so ending at byte ${directoryEnd}), but the end records start at byte ${d.endRecordsAt}: bytes were lost or added before the end of the archive`;
  }
  if (d.size < d.entries * CENTRAL_HEADER_MIN_SIZE) {
    return `its central directory is ${d.size} bytes, too small for ${d.entries} entries (at least ${CENTRAL_HEADER_MIN_SIZE} bytes each)`;
  }
  const first = await readExactly(readAt, d.offset, 4);
  if (typeof first === 'string') return first;
  if (viewOf(first).getUint32(0, true) !== CENTRAL_HEADER_SIGNATURE) {
    return `there is no central directory header (50 4b 01 02) at byte ${d.offset}, where its ${record} says the directory starts (found ${hex(first)})`;
  }
  return undefined;
}

async function readExactly(readAt: ReadAt, position: number, length: number): Promise<Uint8Array | string> {
  const bytes = await readAt(position, length);
  if (bytes.byteLength < length) {
    return `only ${bytes.byteLength} of ${length} bytes could be read back at byte ${position}`;
  }
  return bytes;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function safeNumber(value: bigint): number | undefined {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
