// hss-export download <fileId>: fetch the file of a finished task (the last step of a resumed
// run). Its flags are the download operation's own (flags.ts), the file ID given as an argument.
import type { DownloadExportedFileParams } from '@hss-export/client';
import { operations } from '@hss-export/client/spec';
import {
  CONNECTION_OPTIONS,
  mergeOptions,
  OUTPUT_OPTIONS,
  parseCommand,
  requirePositional,
  resumeArgs,
} from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { isSafeFileNamePart, resolveDestination } from '../destination.js';
import { UsageError } from '../errors.js';
import { fieldFlags, optionSpecs, paramsFrom } from '../flags.js';
import { downloadFile, mockReminder, savedLine, WAIT_FLAGS } from './shared.js';

/** The file ID is the argument; typed, so a renamed parameter fails the typecheck here. */
const POSITIONAL = 'file_id' satisfies keyof DownloadExportedFileParams;
export const DOWNLOAD_FLAGS = fieldFlags(operations.downloadExportedFile).filter((f) => f.name !== POSITIONAL);

export const DOWNLOAD_OPTIONS = mergeOptions(CONNECTION_OPTIONS, OUTPUT_OPTIONS, optionSpecs(DOWNLOAD_FLAGS), {
  out: { type: 'string' },
  force: { type: 'boolean' },
});

export async function download(ctx: Context, args: readonly string[]): Promise<string[]> {
  ctx.state.flags = { [POSITIONAL]: '<fileId>' };
  const parsed = parseCommand(args, DOWNLOAD_OPTIONS, ['fileId']);
  const { values } = parsed;
  const fileId = requirePositional(parsed, 0, 'the file id: hss-export download <fileId> --out <path>');
  ctx.state.resumeArgs = resumeArgs(
    values,
    WAIT_FLAGS.map((f) => f.flag),
  );
  ctx.state.fileId = fileId;
  const force = values.force === true;
  const safe = isSafeFileNamePart(fileId);
  if (values.out === undefined && !safe) {
    throw new UsageError(`pass --out: the file id ${JSON.stringify(fileId)} cannot be used in a file name`);
  }
  const destination = await resolveDestination(
    values.out as string | undefined,
    ctx.io.cwd,
    force,
    safe ? `hss-containers-${fileId}.zip` : 'hss-containers.zip',
  );
  ctx.state.out = destination;
  const file: DownloadExportedFileParams = { ...paramsFrom(DOWNLOAD_FLAGS, values), file_id: fileId };

  const { client } = await connect(values, ctx);
  const written = await downloadFile(ctx, client, file, destination, { force });
  mockReminder(ctx);
  return [savedLine(written.path, written.bytes)];
}
