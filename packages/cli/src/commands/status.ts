// hss-export status <taskId> [--wait]: one look at a task, or wait for it (to resume a run).
// Its flags are the status operation's own (flags.ts), the task ID given as an argument.
import { ExportFailedError, type GetExportTaskParams } from '@hss-export/client';
import { operations } from '@hss-export/client/spec';
import {
  CONNECTION_OPTIONS,
  mergeOptions,
  OUTPUT_OPTIONS,
  parseCommand,
  parseDuration,
  requirePositional,
  resumeArgs,
  WAIT_OPTIONS,
} from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { commandLine, UsageError } from '../errors.js';
import { fieldFlags, optionSpecs, paramsFrom } from '../flags.js';
import { clean } from '../output.js';
import {
  checkPollInterval,
  DEFAULT_POLL_INTERVAL,
  DEFAULT_TIMEOUT,
  MOCK_POLL_INTERVAL,
  waitForTask,
  WAIT_FLAGS,
} from './shared.js';

/** The task ID is the argument; typed, so a renamed parameter fails the typecheck here. */
const POSITIONAL = 'task_id' satisfies keyof GetExportTaskParams;
export const STATUS_FLAGS = fieldFlags(operations.getExportTask).filter((f) => f.name !== POSITIONAL);

export const STATUS_OPTIONS = mergeOptions(
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  WAIT_OPTIONS,
  optionSpecs(STATUS_FLAGS),
  {
    wait: { type: 'boolean' },
  },
);

export async function status(ctx: Context, args: readonly string[]): Promise<string[]> {
  ctx.state.flags = { [POSITIONAL]: '<taskId>' };
  const parsed = parseCommand(args, STATUS_OPTIONS, ['taskId']);
  const { values } = parsed;
  const taskId = requirePositional(parsed, 0, 'the task id: hss-export status <taskId>');
  ctx.state.resumeArgs = resumeArgs(
    values,
    WAIT_FLAGS.map((f) => f.flag),
  );
  ctx.state.taskId = taskId;
  if (!values.wait) {
    for (const flag of ['timeout', 'poll-interval'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --wait`);
    }
  }
  const timeoutMs = parseDuration('--timeout', (values.timeout as string | undefined) ?? DEFAULT_TIMEOUT);
  const pollIntervalMs = parseDuration(
    '--poll-interval',
    (values['poll-interval'] as string | undefined) ?? (values.mock ? MOCK_POLL_INTERVAL : DEFAULT_POLL_INTERVAL),
  );
  const task: GetExportTaskParams = { ...paramsFrom(STATUS_FLAGS, values), task_id: taskId };

  const { client } = await connect(values, ctx);
  if (values.wait) checkPollInterval(client, pollIntervalMs);
  ctx.state.phase = 'wait';
  if (values.wait) {
    await waitForTask(ctx, client, task, { pollIntervalMs, timeoutMs });
  } else {
    const found = await client.getExportTask(task, { signal: ctx.signal });
    ctx.state.status = found.task_status;
    ctx.state.taskName = found.task_name;
    ctx.state.fileId = found.file_id;
    ctx.state.fileName = found.file_name;
    if (found.task_status === 'failure') throw new ExportFailedError(taskId, found.task_name);
  }

  const { state } = ctx;
  // Server strings are cleaned of control characters: a newline or an escape sequence in a
  // task name must not be able to forge a line of our output.
  const lines = [`task_id:     ${clean(taskId)}`];
  if (state.taskName) lines.push(`task_name:   ${clean(state.taskName)}`);
  lines.push(`task_status: ${state.status}`);
  if (state.fileId) lines.push(`file_id:     ${clean(state.fileId)}`);
  if (state.fileName) lines.push(`file_name:   ${clean(state.fileName)}`);
  if (state.status === 'success' && state.fileId) {
    ctx.err.line(
      `Download it with: ${commandLine(['download', state.fileId, '--out', '<path>', ...state.resumeArgs])}`,
    );
  } else if (state.status === 'running') {
    ctx.err.line(`Wait for it with: ${commandLine(['status', taskId, '--wait', ...state.resumeArgs])}`);
  }
  return lines;
}
