// Steps that more than one command takes: wait for a task, download a file.
import type { DownloadExportedFileParams, GetExportTaskParams, HssClient } from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import { operations } from '@hss-export/client/spec';
import type { Context } from '../context.js';
import { ensureParentFolder } from '../destination.js';
import { UsageError } from '../errors.js';
import { fieldFlags } from '../flags.js';
import { formatBytes, formatDuration } from '../format.js';
import { clean } from '../output.js';

export const DEFAULT_TIMEOUT = '10m';
export const DEFAULT_POLL_INTERVAL = '5s';
// Prism answers "success" at once; no need to make the demo wait.
export const MOCK_POLL_INTERVAL = '200ms';

/**
 * The query and header flags that the create, status and download calls all take (today
 * --enterprise-project-id): given once to `containers`, they apply to all three calls and
 * are repeated in the resume commands.
 */
export const WAIT_FLAGS = (() => {
  const [create, status, download] = [
    operations.createContainerExportTask,
    operations.getExportTask,
    operations.downloadExportedFile,
  ].map((op) => fieldFlags(op).filter((f) => f.where === 'query' || f.where === 'header'));
  return create!.filter((f) => [status!, download!].every((other) => other.some((o) => o.name === f.name)));
})();

export interface WaitSettings {
  pollIntervalMs: number;
  timeoutMs: number;
}

/**
 * The client's floor for the poll interval (workflow.ts: 10 ms against a plain-http loopback
 * endpoint, 1 s elsewhere), checked before anything is sent: the client checks it only when
 * the wait starts, by which time `containers` has created the task.
 */
export function checkPollInterval(client: HssClient, pollIntervalMs: number): void {
  const floor = client.endpoint.startsWith('http://') ? 10 : 1000;
  if (pollIntervalMs < floor) {
    throw new UsageError(
      `--poll-interval must be at least ${formatDuration(floor)} against ${client.endpoint} (got ${formatDuration(pollIntervalMs)})`,
    );
  }
}

export async function waitForTask(ctx: Context, client: HssClient, task: GetExportTaskParams, settings: WaitSettings) {
  ctx.state.phase = 'wait';
  ctx.state.taskId = task.task_id;
  ctx.progress.waitStarted(clean(task.task_id), settings.pollIntervalMs, settings.timeoutMs);
  const result = await client.waitForExportTask(task, {
    pollIntervalMs: settings.pollIntervalMs,
    timeoutMs: settings.timeoutMs,
    signal: ctx.signal,
    onProgress: (progress) => {
      ctx.state.status = progress.status;
      ctx.debugLog(`poll ${progress.polls}: task ${clean(progress.taskId)} is ${progress.status}`);
      ctx.progress.waitUpdate({ ...progress, taskId: clean(progress.taskId) });
    },
  });
  ctx.progress.waitEnded(clean(task.task_id), 'success');
  ctx.state.status = 'success';
  ctx.state.fileId = result.fileId;
  ctx.state.fileName = result.fileName;
  return result;
}

export async function downloadFile(
  ctx: Context,
  client: HssClient,
  file: DownloadExportedFileParams,
  destination: string,
  options: { force: boolean },
) {
  ctx.state.phase = 'download';
  ctx.state.fileId = file.file_id;
  ctx.state.out = destination;
  await ensureParentFolder(destination);
  ctx.progress.downloadStarted(clean(file.file_id), destination);
  const written = await downloadExportToFile(client, file, destination, {
    overwrite: options.force,
    signal: ctx.signal,
    onProgress: (bytes) => {
      ctx.state.received = bytes;
      ctx.progress.downloadUpdate(bytes);
    },
  });
  ctx.progress.downloadEnded(written.bytes);
  ctx.state.path = written.path;
  ctx.state.bytes = written.bytes;
  return written;
}

/** The stdout summary line for a saved file. */
export function savedLine(path: string, bytes: number): string {
  return `Saved ${path} (${formatBytes(bytes)})`;
}

/** Said once more at the end, so nobody mistakes the mock's example file for real data. */
export function mockReminder(ctx: Context): void {
  if (ctx.state.mock)
    ctx.err.line(
      "This ran against the Prism mock: the file is the spec's example (three made-up containers), not yours.",
    );
}
