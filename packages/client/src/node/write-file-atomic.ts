// Node-only: streams the body of `GET /v5/{project_id}/download/{file_id}` to disk.
//
// Guarantees: constant memory (one chunk in flight, each write awaited before
// the next read), and all-or-nothing — the destination either receives the
// complete, size-checked zip or is left exactly as it was. Bytes land in a temp
// file next to the destination (same directory => same filesystem, so the
// final rename/link is atomic) and the temp file is removed on every failure.
// "Complete" is checked on the written file before it gets its name: the zip's
// end records must be present and agree with its size (zip-check.ts), because a
// body that simply stops (no Content-Length, connection closed) looks like a
// clean end to the stream. A temp file whose process was killed is removed by
// the next download to the same destination (part-files.ts).

import { constants } from 'node:fs';
import { access, link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { HssError, TimeoutError } from '../errors.js';
import { preview as quote } from '../redact.js';
import { partPathFor, removeStaleParts } from './part-files.js';
import { findZipProblem, type ReadAt } from './zip-check.js';

/** How `writeStreamToFile` writes. */
export interface WriteFileOptions {
  /** Replace an existing destination. Default false: an existing file makes the call fail before any byte is read. */
  overwrite?: boolean;
  /** Aborting stops the download, removes the temp file and rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Expected size (e.g. from Content-Length). A different final count is a `TRUNCATED` error. */
  expectedBytes?: number;
  /**
   * Default true: the first bytes must be a zip signature (`PK\x03\x04`, `PK\x05\x06` or `PK\x07\x08`),
   * checked on the first chunk, and the finished file must be a complete archive (its end records
   * present and consistent with its size, checked from the file's tail), else `INCOMPLETE_ZIP`.
   */
  requireZip?: boolean;
  /** Called after each chunk is written, with the running total. */
  onProgress?: (bytesWritten: number) => void;
  /** File mode of the written file. Default 0o600: exports can hold sensitive inventory data. */
  mode?: number;
  /**
   * Applied to any text from the body quoted in an error (the client passes its credential
   * redaction). `cut` is true when the text is only the body's start, so it may end part way
   * into a secret.
   */
  redact?: (text: string, cut?: boolean) => string;
}

/** A file that was written whole. */
export interface WrittenFile {
  /** Absolute path of the written file. */
  path: string;
  bytes: number;
}

/** Why a download failed; no file was left in any case. */
export type DownloadErrorCode =
  | 'DESTINATION_EXISTS'
  | 'TRUNCATED'
  | 'NOT_A_ZIP'
  /** The body started like a zip but the file is not a whole archive (cut short, or garbage after the signature). */
  | 'INCOMPLETE_ZIP'
  | 'WRITE_FAILED'
  | 'DESTINATION_DIR_MISSING'
  /** The destination folder exists but this process may not create files in it. */
  | 'DESTINATION_NOT_WRITABLE'
  /** The body sent nothing for the client's `idleTimeoutMs`. */
  | 'STALLED';

/** A download to a file failed; `code` says why, and no partial file was left. */
export class DownloadError extends HssError {
  override readonly name = 'DownloadError';
  readonly code: DownloadErrorCode;
  /** Absolute destination path the download was meant for. */
  readonly destination: string;

  constructor(code: DownloadErrorCode, message: string, destination: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.destination = destination;
  }
}

const ZIP_SIGNATURES: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04], // local file header: any archive with entries
  [0x50, 0x4b, 0x05, 0x06], // end of central directory first: an empty archive
  [0x50, 0x4b, 0x07, 0x08], // spanned/data-descriptor marker, written by some streaming zippers
];
const SIGNATURE_LENGTH = 4;
const PREVIEW_BYTES = 80;
const PREVIEW_SOURCE_BYTES = 4096;

// Filesystems without hard links (FAT, some network/FUSE mounts) report these from link(2).
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

const noop = (): void => {};

/**
 * Streams `stream` to `destination` in constant memory, all or nothing: a temporary file
 * next to it, checked (size, zip archive) and then moved into place.
 */
export async function writeStreamToFile(
  stream: ReadableStream<Uint8Array>,
  destination: string,
  options: WriteFileOptions = {},
): Promise<WrittenFile> {
  const {
    overwrite = false,
    signal,
    expectedBytes,
    requireZip = true,
    onProgress,
    mode = 0o600,
    redact = (t) => t,
  } = options;
  const target = resolve(destination);
  const dir = dirname(target);

  // Failing before the body is consumed must still release the HTTP connection,
  // otherwise the socket stays checked out until the server gives up.
  const failEarly = async (error: unknown): Promise<never> => {
    await stream.cancel(error).catch(noop);
    throw error;
  };

  if (expectedBytes !== undefined && !(Number.isSafeInteger(expectedBytes) && expectedBytes >= 0)) {
    return failEarly(new RangeError(`expectedBytes must be a non-negative integer, got ${String(expectedBytes)}`));
  }
  if (signal?.aborted) return failEarly(signal.reason);
  let tempPath: string;
  try {
    await checkFolder(target, dir);
    // Before the destination check, so leftovers go even when this call ends in DESTINATION_EXISTS.
    await removeStaleParts(dir, basename(target));
    await checkTarget(target, overwrite);
    tempPath = await partPathFor(dir, basename(target));
  } catch (error) {
    return failEarly(error);
  }

  let tempCreated = false;
  let handle: FileHandle | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // cancel() settles a pending read() at once, so an abort is noticed even while
  // the server is silent, not only when the next chunk happens to arrive.
  const onAbort = (): void => {
    reader?.cancel(signal?.reason).catch(noop);
  };
  // Listened to through a signal of its own: a listener per download on the caller's signal,
  // which many downloads may share, would pass Node's limit of 10 and warn of a leak.
  const watched = signal && AbortSignal.any([signal]);

  try {
    // Read access too: the completeness check reads the file's tail back.
    handle = await fsStep(target, 'create a temporary file', () => open(tempPath, 'wx+', mode));
    tempCreated = true;
    const fh = handle;
    // open()'s mode is filtered through the umask; chmod makes the requested mode exact.
    await fsStep(target, 'set the file mode', () => fh.chmod(mode));

    reader = stream.getReader();
    watched?.addEventListener('abort', onAbort, { once: true });
    // An abort during open() fired before the listener existed.
    throwIfAborted(signal);
    const signature = requireZip ? new SignatureCheck(target, redact) : undefined;
    let bytes = 0;

    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throwIfAborted(signal);
        const of = expectedBytes === undefined ? '' : ` of ${expectedBytes}`;
        if (error instanceof TimeoutError) {
          throw new DownloadError(
            'STALLED',
            `Download of ${target} stalled: nothing arrived for ${error.timeoutMs} ms after ${bytes}${of} bytes`,
            target,
            { cause: error },
          );
        }
        // The connection broke mid-body (undici says only "terminated"): name what happened.
        const why = error instanceof Error ? error.message : String(error);
        throw new DownloadError(
          'TRUNCATED',
          `Download of ${target} broke off after ${bytes}${of} bytes: ${why}`,
          target,
          {
            cause: error,
          },
        );
      }
      const { done, value } = chunk;
      throwIfAborted(signal);
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        throw new TypeError(`Download stream produced a ${typeof value} chunk; expected Uint8Array`);
      }
      if (value.byteLength === 0) continue;
      // Checked before writing, so a JSON/HTML error body is rejected on its first chunk.
      signature?.inspect(value);
      bytes += value.byteLength;
      if (expectedBytes !== undefined && bytes > expectedBytes) {
        throw new DownloadError(
          'TRUNCATED',
          `Download size mismatch for ${target}: expected ${expectedBytes} bytes but received more (at least ${bytes})`,
          target,
        );
      }
      await fsStep(target, 'write to the temporary file', () => writeAll(fh, value));
      onProgress?.(bytes);
    }

    if (expectedBytes !== undefined && bytes !== expectedBytes) {
      throw new DownloadError(
        'TRUNCATED',
        `Download truncated for ${target}: expected ${expectedBytes} bytes, received ${bytes}`,
        target,
      );
    }
    if (signature) {
      signature.finish();
      const problem = await fsStep(target, 'read back the temporary file', () => findZipProblem(bytes, readerAt(fh)));
      if (problem !== undefined) throw incompleteZip(target, bytes, problem);
    }

    // Durability before visibility: the name must never point at unflushed data.
    await fsStep(target, 'flush the temporary file', () => fh.sync());
    handle = undefined;
    await fsStep(target, 'close the temporary file', () => fh.close());
    throwIfAborted(signal);

    await commit(tempPath, target, overwrite);
    tempCreated = false;
    await syncDirectory(dir);
    return { path: target, bytes };
  } catch (error) {
    const reason = signal?.aborted ? signal.reason : error;
    // No-op if the stream already ended or errored; otherwise frees the connection.
    if (reader) await reader.cancel(reason).catch(noop);
    else await stream.cancel(reason).catch(noop);
    if (handle) await handle.close().catch(noop);
    if (tempCreated) await unlink(tempPath).catch(noop);
    throw reason;
  } finally {
    watched?.removeEventListener('abort', onAbort);
    try {
      reader?.releaseLock();
    } catch {
      // Nothing to release if the stream is already closed or errored.
    }
  }
}

/**
 * Everything about `destination` that can be known before a download starts: its folder
 * exists and this process may create files there, and the name is free (or `overwrite`).
 * Throws the DownloadError the download itself would end with.
 */
export async function checkDestination(destination: string, overwrite: boolean): Promise<void> {
  const target = resolve(destination);
  await checkFolder(target, dirname(target));
  await checkTarget(target, overwrite);
}

async function checkFolder(target: string, dir: string): Promise<void> {
  try {
    const dirStat = await stat(dir);
    if (!dirStat.isDirectory()) {
      throw new DownloadError(
        'DESTINATION_DIR_MISSING',
        `Cannot save download to ${target}: ${dir} is not a directory`,
        target,
      );
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      throw new DownloadError(
        'DESTINATION_DIR_MISSING',
        `Cannot save download to ${target}: directory ${dir} does not exist (create it first)`,
        target,
        { cause: error },
      );
    }
    if (code === 'ENOTDIR') {
      throw new DownloadError(
        'DESTINATION_DIR_MISSING',
        `Cannot save download to ${target}: the path to ${dir} runs through a file, not a folder (choose another destination)`,
        target,
        { cause: error },
      );
    }
    throw writeFailed(target, 'check the destination directory', error);
  }
  try {
    // W_OK to add the name, X_OK to reach it. access() asks the kernel with this process's
    // credentials, so root passes and a read-only mount (EROFS) fails, as a real write would.
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = errnoCode(error);
    const why =
      code === 'EROFS'
        ? 'it is on a read-only file system'
        : `this process may not create files there (${code ?? 'permission denied'})`;
    throw new DownloadError(
      'DESTINATION_NOT_WRITABLE',
      `Cannot save download to ${target}: ${why}. Choose a destination in a writable folder, or fix the permissions of ${dir}`,
      target,
      { cause: error },
    );
  }
}

async function checkTarget(target: string, overwrite: boolean): Promise<void> {
  let existing: Awaited<ReturnType<typeof lstat>>;
  try {
    // lstat: a dangling symlink still occupies the name.
    existing = await lstat(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw writeFailed(target, 'check the destination', error);
  }
  if (existing.isDirectory()) {
    throw new DownloadError(
      'DESTINATION_EXISTS',
      `Destination ${target} is an existing directory; choose a file path instead`,
      target,
    );
  }
  if (!overwrite) throw destinationExists(target);
}

async function commit(tempPath: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await fsStep(target, 'move the download into place', () => rename(tempPath, target));
    return;
  }
  // rename() would silently clobber a file created since checkTarget();
  // link() fails with EEXIST instead, making "don't overwrite" race-free.
  try {
    await link(tempPath, target);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw destinationExists(target, error);
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) {
      throw writeFailed(target, 'move the download into place', error);
    }
    // No hard links on this filesystem: check-then-rename leaves a tiny race window, the best available here.
    if (await fsStep(target, 'check the destination', () => pathExists(target))) throw destinationExists(target);
    await fsStep(target, 'move the download into place', () => rename(tempPath, target));
    return;
  }
  // The destination is complete at this point; a stray temp name is cosmetic, so don't fail the download over it.
  await unlink(tempPath).catch(noop);
}

// Makes the new directory entry itself durable. Best effort: not supported everywhere (e.g. Windows).
async function syncDirectory(dir: string): Promise<void> {
  let dh: FileHandle | undefined;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // ignore
  } finally {
    await dh?.close().catch(noop);
  }
}

function readerAt(fh: FileHandle): ReadAt {
  return async (position, length) => {
    const buffer = new Uint8Array(length);
    let got = 0;
    // read() may legally return fewer bytes than asked; 0 means end of file.
    while (got < length) {
      const { bytesRead } = await fh.read(buffer, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buffer.subarray(0, got);
  };
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  // write() may legally write fewer bytes than asked.
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

class SignatureCheck {
  private readonly seen: number[] = [];

  constructor(
    private readonly target: string,
    private readonly redact: (text: string, cut?: boolean) => string,
  ) {}

  inspect(chunk: Uint8Array): void {
    if (this.seen.length >= SIGNATURE_LENGTH) return;
    const before = this.seen.length;
    for (let i = 0; i < chunk.byteLength && this.seen.length < SIGNATURE_LENGTH; i++) {
      this.seen.push(chunk[i]!);
    }
    // Compare the prefix received so far, so a signature split across chunks is
    // accepted while a non-zip body fails on its very first byte.
    const plausible = ZIP_SIGNATURES.some((sig) => this.seen.every((b, i) => sig[i] === b));
    if (!plausible) {
      // More than is shown: a secret is redacted whole before the excerpt is cut.
      const start = new Uint8Array(Math.min(PREVIEW_SOURCE_BYTES, before + chunk.byteLength));
      start.set(this.seen.slice(0, before));
      start.set(chunk.subarray(0, start.length - before), before);
      // Only the body's start: it may end part way into a secret.
      throw notAZip(this.target, start, this.redact, true);
    }
  }

  finish(): void {
    if (this.seen.length < SIGNATURE_LENGTH) throw notAZip(this.target, Uint8Array.from(this.seen), this.redact);
  }
}

function notAZip(
  target: string,
  start: Uint8Array,
  redact: (text: string, cut?: boolean) => string,
  cut = false,
): DownloadError {
  let message = `Downloaded content for ${target} is not a zip archive: `;
  if (start.byteLength === 0) {
    message += 'the response body was empty';
  } else if (start.byteLength < SIGNATURE_LENGTH && looksLikeZipPrefix(start)) {
    message += `only ${start.byteLength} byte(s) received (${hex(start)})`;
  } else {
    message += `first bytes are ${hex(start.subarray(0, SIGNATURE_LENGTH))}, expected 50 4b 03 04 ("PK\\x03\\x04")`;
    const text = new TextDecoder().decode(start);
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') {
      message += '. It looks like JSON, probably an API error response rather than the export file';
    } else if (first === '<') {
      message += '. It looks like HTML/XML, probably an error page from a gateway or proxy';
    }
    if (isMostlyText(start.subarray(0, PREVIEW_BYTES))) {
      message += `. Beginning of the response: ${quote(text, redact, PREVIEW_BYTES, cut)}`;
    }
  }
  return new DownloadError('NOT_A_ZIP', message, target);
}

function incompleteZip(target: string, bytes: number, problem: string): DownloadError {
  return new DownloadError(
    'INCOMPLETE_ZIP',
    `Download of ${target} is not a complete zip archive (${bytes} bytes received): ${problem}. The temporary file was removed and no file was left at ${target}; download it again`,
    target,
  );
}

function looksLikeZipPrefix(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURES.some((sig) => bytes.every((b, i) => sig[i] === b));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function isMostlyText(bytes: Uint8Array): boolean {
  let printableCount = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printableCount++;
  return printableCount >= bytes.byteLength * 0.9;
}

function destinationExists(target: string, cause?: unknown): DownloadError {
  return new DownloadError(
    'DESTINATION_EXISTS',
    `Destination ${target} already exists. Pass overwrite: true to replace it (--force on the CLI), or choose another path`,
    target,
    cause === undefined ? undefined : { cause },
  );
}

function writeFailed(target: string, action: string, cause: unknown): DownloadError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DownloadError('WRITE_FAILED', `Could not ${action} for ${target}: ${detail}`, target, { cause });
}

async function fsStep<T>(target: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw error instanceof DownloadError ? error : writeFailed(target, action, error);
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
