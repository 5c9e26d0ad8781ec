// @hss-export/client/node: helpers that need Node's file system.
import { resolve } from 'node:path';
import { type HssClient, REDACT } from '../client.js';
import type { DownloadExportedFileParams } from '../generated/methods.js';
import type { Redact } from '../redact.js';
import type { RequestOptions } from '../request.js';
import { checkDestination, writeStreamToFile, type WriteFileOptions, type WrittenFile } from './write-file-atomic.js';

export {
  DownloadError,
  writeStreamToFile,
  type DownloadErrorCode,
  type WriteFileOptions,
  type WrittenFile,
} from './write-file-atomic.js';

export interface DownloadToFileOptions
  extends RequestOptions,
    Pick<WriteFileOptions, 'overwrite' | 'onProgress' | 'mode'> {}

/**
 * Streams an exported file to `destination` in constant memory. The file appears there
 * complete and checked (a whole zip archive of the announced size) or not at all.
 * A destination that cannot be written (missing or read-only folder, existing file
 * without `overwrite`) is refused before the request is sent.
 */
export async function downloadExportToFile(
  client: HssClient,
  file: string | DownloadExportedFileParams,
  destination: string,
  options: DownloadToFileOptions = {},
): Promise<WrittenFile> {
  const path = resolve(destination);
  // Checked before the request too, so a doomed download is never started. writeStreamToFile
  // checks again: the folder or the name may change while the request is under way.
  await checkDestination(path, options.overwrite ?? false);
  const { overwrite, onProgress, mode, ...call } = options;
  const answer = await client.downloadExportedFile(typeof file === 'string' ? { file_id: file } : file, call);
  return writeStreamToFile(answer.body, path, {
    overwrite,
    signal: options.signal,
    expectedBytes: answer.size,
    onProgress,
    mode,
    redact: (client as { [REDACT]?: Redact })[REDACT],
  });
}
