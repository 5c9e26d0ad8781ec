// @hss-export/client/node: helpers that need Node's file system.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CallOptions, HssClient } from '../client.js';
import { DownloadError, writeStreamToFile, type WriteFileOptions, type WrittenFile } from './write-file-atomic.js';

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
 * complete and checked (a zip archive of the announced size) or not at all.
 */
export async function downloadExportToFile(
  client: HssClient,
  fileId: string,
  destination: string,
  options: DownloadToFileOptions = {},
): Promise<WrittenFile> {
  const path = resolve(destination);
  // Checked before the request too, so a doomed download is never started.
  if (!options.overwrite) {
    const existing = await stat(path).catch(() => undefined);
    if (existing) {
      throw new DownloadError(
        'DESTINATION_EXISTS',
        `${path} already exists; pass overwrite: true (--force on the CLI) or choose another path`,
        path,
      );
    }
  }
  const file = await client.downloadExportedFile(fileId, options);
  return writeStreamToFile(file.body, path, {
    overwrite: options.overwrite,
    signal: options.signal,
    expectedBytes: file.size,
    onProgress: options.onProgress,
    mode: options.mode,
  });
}
