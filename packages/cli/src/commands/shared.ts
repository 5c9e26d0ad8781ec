// Steps that more than one command takes: wait for a task, download a file.
import type { HssClient } from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import type { Context } from '../context.js';
import { ensureParentFolder } from '../destination.js';
import { formatBytes } from '../format.js';

export const DEFAULT_TIMEOUT = '10m';
export const DEFAULT_POLL_INTERVAL = '5s';
// Prism answers "success" at once; no need to make the demo wait.
export const MOCK_POLL_INTERVAL = '200ms';

export interface WaitSettings {
  pollIntervalMs: number;
  timeoutMs: number;
  enterpriseProjectId: string | undefined;
}

export async function waitForTask(ctx: Context, client: HssClient, taskId: string, settings: WaitSettings) {
  ctx.state.phase = 'wait';
  ctx.state.taskId = taskId;
  ctx.progress.waitStarted(taskId, settings.pollIntervalMs, settings.timeoutMs);
  const result = await client.waitForExportTask(taskId, {
    pollIntervalMs: settings.pollIntervalMs,
    timeoutMs: settings.timeoutMs,
    enterpriseProjectId: settings.enterpriseProjectId,
    signal: ctx.signal,
    onProgress: (progress) => {
      ctx.state.status = progress.status;
      ctx.debugLog(`poll ${progress.polls}: task ${progress.taskId} is ${progress.status}`);
      ctx.progress.waitUpdate(progress);
    },
  });
  ctx.progress.waitEnded(taskId, 'success');
  ctx.state.status = 'success';
  ctx.state.fileId = result.fileId;
  ctx.state.fileName = result.fileName;
  return result;
}

export async function downloadFile(
  ctx: Context,
  client: HssClient,
  fileId: string,
  destination: string,
  options: { force: boolean; enterpriseProjectId: string | undefined },
) {
  ctx.state.phase = 'download';
  ctx.state.fileId = fileId;
  ctx.state.out = destination;
  await ensureParentFolder(destination);
  ctx.progress.downloadStarted(fileId, destination);
  const written = await downloadExportToFile(client, fileId, destination, {
    overwrite: options.force,
    enterpriseProjectId: options.enterpriseProjectId,
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
    ctx.err.line("This ran against the Prism mock: the file holds the spec's example data, not your containers.");
}
