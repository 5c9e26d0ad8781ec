// hss-export download <fileId>: fetch the file of a finished task (the last step of a resumed run).
import { CONNECTION_OPTIONS, OUTPUT_OPTIONS, connectionArgs, parseCommand, requirePositional } from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { isSafeFileNamePart, resolveDestination } from '../destination.js';
import { UsageError } from '../errors.js';
import { downloadFile, mockReminder, savedLine } from './shared.js';

export const DOWNLOAD_OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function download(ctx: Context, args: readonly string[]): Promise<string[]> {
  const parsed = parseCommand(args, DOWNLOAD_OPTIONS, ['fileId']);
  const { values } = parsed;
  const fileId = requirePositional(parsed, 0, 'the file id: hss-export download <fileId> --out <path>');
  ctx.state.resumeArgs = connectionArgs(values);
  ctx.state.fileId = fileId;
  const force = values.force === true;
  const safe = isSafeFileNamePart(fileId);
  if (values.out === undefined && !safe) {
    throw new UsageError(`pass --out: the file id ${JSON.stringify(fileId)} cannot be used in a file name`);
  }
  const destination = await resolveDestination(
    values.out,
    ctx.io.cwd,
    force,
    safe ? `hss-containers-${fileId}.zip` : 'hss-containers.zip',
  );
  ctx.state.out = destination;

  const { client, enterpriseProjectId } = await connect(values, ctx);
  const written = await downloadFile(ctx, client, fileId, destination, { force, enterpriseProjectId });
  mockReminder(ctx);
  return [savedLine(written.path, written.bytes)];
}
