// The export workflow on top of the generated methods: wait for a task, and create one
// and wait for it. The only hand-written code that names operations.
import { checkMs } from './config.js';
import {
  AbortError,
  type ConfigError,
  ExportFailedError,
  ExportTimeoutError,
  HssError,
  MalformedResponseError,
  ValidationError,
} from './errors.js';
import type { CreateContainerExportTaskParams, GetExportTaskParams, HssOperations } from './generated/methods.js';
import { sleep } from './request.js';
import type { ExportTask } from '@hss-export/types';

/** What `onProgress` gets after each poll. */
export interface ExportProgress {
  taskId: string;
  status: ExportTask['task_status'];
  polls: number;
  elapsedMs: number;
}

/** How `waitForExportTask` and `exportContainers` wait. */
export interface WaitOptions {
  /** Between polls: default 5000 ms; at least 1000 ms, or 10 ms against a loopback (mock) endpoint. */
  pollIntervalMs?: number;
  /** Give up waiting after this long (default 10 minutes; 0: never); the task itself keeps running. */
  timeoutMs?: number;
  /** Stops the wait at once, also mid-poll. */
  signal?: AbortSignal;
  /** Called after every poll, e.g. to show progress. */
  onProgress?: (progress: ExportProgress) => void;
}

/** A finished export: the task and the file to download. */
export interface ExportResult {
  taskId: string;
  fileId: string;
  fileName: string | undefined;
}

export interface Workflow {
  /** Polls a task until it succeeds (resolves) or fails (rejects with ExportFailedError). */
  waitForExportTask(task: string | GetExportTaskParams, options?: WaitOptions): Promise<ExportResult>;
  /** Creates a task and waits for it: one call from filters to a downloadable file. */
  exportContainers(params: CreateContainerExportTaskParams, options?: WaitOptions): Promise<ExportResult>;
}

export function bindWorkflow(api: HssOperations, loopback: boolean): Workflow {
  const wait: Workflow['waitForExportTask'] = async (task, o = {}) => {
    const params = typeof task === 'string' ? { task_id: task } : task;
    const taskId = params.task_id;
    let interval: number;
    let limit: number;
    try {
      interval = checkMs('pollIntervalMs', o.pollIntervalMs, 5000);
      limit = checkMs('timeoutMs', o.timeoutMs, 600_000);
    } catch (error) {
      throw new ValidationError('waitForExportTask', [
        { path: 'options', rule: 'option', message: (error as ConfigError).message },
      ]);
    }
    // A floor, so that a typo cannot poll the real API hundreds of times a second.
    const floor = loopback ? 10 : 1000;
    if (interval < floor) {
      const message = `pollIntervalMs must be at least ${floor} ms${loopback ? '' : ' (10 ms against a loopback mock)'}, got ${interval}`;
      throw new ValidationError('waitForExportTask', [{ path: 'options.pollIntervalMs', rule: 'minimum', message }]);
    }
    const started = Date.now();
    // One signal for the caller's abort and our deadline, so that a poll in flight or a
    // retry's backoff is cut short when either fires.
    const stop = new AbortController();
    let deadlinePassed = false;
    const deadline =
      limit > 0
        ? setTimeout(() => {
            deadlinePassed = true;
            stop.abort();
          }, limit)
        : undefined;
    const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
    let status: ExportTask['task_status'] | undefined;
    try {
      for (let polls = 1; ; polls++) {
        const found = await api.getExportTask(params, { signal });
        status = found.task_status;
        o.onProgress?.({ taskId, status, polls, elapsedMs: Date.now() - started });
        switch (status) {
          case 'success':
            if (!found.file_id) {
              throw new MalformedResponseError(
                `getExportTask: task ${taskId} succeeded but names no file_id`,
                200,
                undefined,
              );
            }
            return { taskId, fileId: found.file_id, fileName: found.file_name };
          case 'failure':
            throw new ExportFailedError(taskId, found.task_name);
          case 'running':
            await sleep(interval, signal);
            break;
          default:
            // A task_status the spec gains must be decided on here; the compiler says so.
            status satisfies never;
        }
      }
    } catch (error) {
      if (deadlinePassed && error instanceof AbortError) throw new ExportTimeoutError(taskId, status, limit);
      // Whatever stopped the wait, the caller needs the task ID to resume it.
      if (error instanceof HssError) error.taskId ??= taskId;
      throw error;
    } finally {
      clearTimeout(deadline);
    }
  };
  return {
    waitForExportTask: wait,
    async exportContainers(params, o = {}) {
      const { task_id } = await api.createContainerExportTask(params, { signal: o.signal });
      return wait({ task_id, enterprise_project_id: params.enterprise_project_id }, o);
    },
  };
}
