// @hss-export/client/node: helpers that need Node's file system.
import { resolve } from 'node:path';
import type { CallOptions, HssClient } from '../client.js';
import { checkDestination, writeStreamToFile, type WriteFileOptions, type WrittenFile } from './write-file-atomic.js';

export {
  DownloadError,
  writeStreamToFile,
  type DownloadErrorCode,
  type WriteFileOptions,
  type WrittenFile,
} from './write-file-atomic.js';

export interface DownloadToFileOptions
  extends CallOptions,
    Pick<WriteFileOptions, 'overwrite' | 'onProgress' | 'mode'> {}

/**
 * Streams an exported file to `destination` in constant memory. The file appears there
 * complete and checked (a whole zip archive of the announced size) or not at all.
 * A destination that cannot be written (missing or read-only folder, existing file
 * without `overwrite`) is refused before the request is sent.
 */
export async function downloadExportToFile(
  client: HssClient,
  fileId: string,
  destination: string,
  options: DownloadToFileOptions = {},
): Promise<WrittenFile> {
  const path = resolve(destination);
  // Checked before the request too, so a doomed download is never started. writeStreamToFile
  // checks again: the folder or the name may change while the request is under way.
  await checkDestination(path, options.overwrite ?? false);
  const file = await client.downloadExportedFile(fileId, options);
  return writeStreamToFile(file.body, path, {
    overwrite: options.overwrite,
    signal: options.signal,
    expectedBytes: file.size,
    onProgress: options.onProgress,
    mode: options.mode,
  });
}
