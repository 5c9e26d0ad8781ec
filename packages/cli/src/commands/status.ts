// hss-export status <taskId> [--wait]: one look at a task, or wait for it (to resume a run).
import { ExportFailedError } from '@hss-export/client';
import {
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  WAIT_OPTIONS,
  connectionArgs,
  parseCommand,
  parseDuration,
  requirePositional,
} from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { UsageError, commandLine } from '../errors.js';
import { DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, MOCK_POLL_INTERVAL, waitForTask } from './shared.js';

export const STATUS_OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  ...WAIT_OPTIONS,
  wait: { type: 'boolean' },
} as const;

export async function status(ctx: Context, args: readonly string[]): Promise<string[]> {
  const parsed = parseCommand(args, STATUS_OPTIONS, ['taskId']);
  const { values } = parsed;
  const taskId = requirePositional(parsed, 0, 'the task id: hss-export status <taskId>');
  ctx.state.resumeArgs = connectionArgs(values);
  ctx.state.taskId = taskId;
  if (!values.wait) {
    for (const flag of ['timeout', 'poll-interval'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --wait`);
    }
  }
  const timeoutMs = parseDuration('--timeout', values.timeout ?? DEFAULT_TIMEOUT);
  const pollIntervalMs = parseDuration(
    '--poll-interval',
    values['poll-interval'] ?? (values.mock ? MOCK_POLL_INTERVAL : DEFAULT_POLL_INTERVAL),
  );

  const { client, enterpriseProjectId } = await connect(values, ctx);
  ctx.state.phase = 'wait';
  if (values.wait) {
    await waitForTask(ctx, client, taskId, { pollIntervalMs, timeoutMs, enterpriseProjectId });
  } else {
    const task = await client.getExportTask(taskId, { enterpriseProjectId, signal: ctx.signal });
    ctx.state.status = task.task_status;
    ctx.state.taskName = task.task_name;
    ctx.state.fileId = task.file_id;
    ctx.state.fileName = task.file_name;
    if (task.task_status === 'failure') throw new ExportFailedError(taskId, task.task_name);
  }

  const { state } = ctx;
  const lines = [`task_id:     ${taskId}`];
  if (state.taskName) lines.push(`task_name:   ${state.taskName}`);
  lines.push(`task_status: ${state.status}`);
  if (state.fileId) lines.push(`file_id:     ${state.fileId}`);
  if (state.fileName) lines.push(`file_name:   ${state.fileName}`);
  if (state.status === 'success' && state.fileId) {
    ctx.err.line(
      `Download it with: ${commandLine(['download', state.fileId, '--out', '<path>', ...state.resumeArgs])}`,
    );
  } else if (state.status === 'running') {
    ctx.err.line(`Wait for it with: ${commandLine(['status', taskId, '--wait', ...state.resumeArgs])}`);
  }
  return lines;
}
