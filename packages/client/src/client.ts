// createHssClient: the entry point. It validates each request against the spec's rules,
// calls the generated ExportApi through our transport, and maps its wrapper errors back
// to ours. Waiting for a task and downloading its file are built on the three calls.
import type { ContainerExportRequest, ExportTask, ExportTaskCreated } from '@hss-export/types';
import { resolveConfig, type HssClientOptions, type ResolvedConfig } from './config.js';
import {
  AbortError,
  ExportFailedError,
  ExportTimeoutError,
  HssError,
  MalformedResponseError,
  redact,
  ValidationError,
} from './errors.js';
import { ExportApi } from './generated/openapi/apis/ExportApi.js';
import { Configuration, FetchError } from './generated/openapi/runtime.js';
import { createTransport, secretsOf, sleep, type CallContext } from './transport.js';
import { validateRequest } from './validation.js';

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt time limit; overrides the client's. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Enterprise project (`0` default, `all_granted_eps` for all). */
  enterpriseProjectId?: string;
}

export interface CreateOptions extends CallOptions {
  /** Records to export, 1 to 100000 (the API's default is 100000). */
  exportSize?: number;
}

export interface ExportProgress {
  taskId: string;
  status: ExportTask['task_status'];
  polls: number;
  elapsedMs: number;
}

export interface WaitOptions extends Omit<CallOptions, 'timeoutMs'> {
  /** Between polls (default 5000 ms). */
  pollIntervalMs?: number;
  /** Give up waiting after this long (default 10 minutes); the task itself keeps running. */
  timeoutMs?: number;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportResult {
  taskId: string;
  fileId: string;
  fileName: string | undefined;
}

export interface ExportFile {
  /** The file's bytes, read as they arrive. */
  body: ReadableStream<Uint8Array>;
  /** From Content-Length, when the server sent it. */
  size: number | undefined;
  requestId: string | undefined;
}

export interface HssClient {
  readonly endpoint: string;
  readonly projectId: string;
  createContainerExportTask(request: ContainerExportRequest, options?: CreateOptions): Promise<ExportTaskCreated>;
  getExportTask(taskId: string, options?: CallOptions): Promise<ExportTask>;
  downloadExportedFile(fileId: string, options?: CallOptions): Promise<ExportFile>;
  /** Polls a task until it succeeds (resolves) or fails (rejects with ExportFailedError). */
  waitForExportTask(taskId: string, options?: WaitOptions): Promise<ExportResult>;
  /** Creates a task and waits for it: one call from filters to a downloadable file. */
  exportContainers(
    request: ContainerExportRequest,
    options?: WaitOptions & Omit<CreateOptions, 'timeoutMs'>,
  ): Promise<ExportResult>;
}

// The generated runtime wraps whatever fetch throws in FetchError; hand ours back unwrapped.
async function unwrap<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof FetchError && error.cause instanceof HssError) throw error.cause;
    throw error;
  }
}

async function json<T>(response: Response, operation: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MalformedResponseError(
      `${operation}: HTTP ${response.status} answer is not valid JSON (${text.length} bytes: ${JSON.stringify(text.slice(0, 40))})`,
      response.status,
      response.headers.get('X-Request-Id') ?? undefined,
    );
  }
}

export function createHssClient(options: HssClientOptions = {}): HssClient {
  const config: ResolvedConfig = resolveConfig(options);
  const api = new ExportApi(
    new Configuration({ basePath: config.endpoint, fetchApi: createTransport(config) as typeof fetch }),
  );

  const secrets = secretsOf(config);

  function check(operation: string, params: Record<string, unknown>, body?: unknown) {
    const problems = validateRequest(operation as Parameters<typeof validateRequest>[0], { params, body });
    if (problems.length) {
      // A value echoed in a message could be a credential pasted into the wrong field.
      const safe = problems.map((p) => ({ ...p, message: redact(p.message, secrets) }));
      throw new ValidationError(operation, safe);
    }
  }

  // Every call: check against the spec's rules, send through the generated ExportApi with
  // our per-call context, hand back the raw Response.
  async function send(
    operation: string,
    o: CallOptions,
    params: Record<string, unknown>,
    body: unknown,
    call: (init: RequestInit) => Promise<{ raw: Response }>,
  ): Promise<Response> {
    check(operation, { project_id: config.projectId, enterprise_project_id: o.enterpriseProjectId, ...params }, body);
    const hss: CallContext = { operation, signal: o.signal, timeoutMs: o.timeoutMs, maxRetries: o.maxRetries };
    return (await unwrap(() => call({ hss } as RequestInit))).raw;
  }

  const client: HssClient = {
    endpoint: config.endpoint,
    projectId: config.projectId,

    async createContainerExportTask(request, o = {}) {
      const operation = 'createContainerExportTask';
      const raw = await send(operation, o, { export_size: o.exportSize }, request, (init) =>
        api.createContainerExportTaskRaw(
          {
            projectId: config.projectId,
            containerExportRequest: request,
            enterpriseProjectId: o.enterpriseProjectId,
            exportSize: o.exportSize,
          },
          init,
        ),
      );
      const created = await json<ExportTaskCreated>(raw, operation);
      if (typeof created?.task_id !== 'string' || !created.task_id) {
        throw new MalformedResponseError(
          `${operation}: the answer has no task_id`,
          raw.status,
          raw.headers.get('X-Request-Id') ?? undefined,
        );
      }
      return created;
    },

    async getExportTask(taskId, o = {}) {
      const raw = await send('getExportTask', o, { task_id: taskId }, undefined, (init) =>
        api.getExportTaskRaw({ projectId: config.projectId, taskId, enterpriseProjectId: o.enterpriseProjectId }, init),
      );
      return json<ExportTask>(raw, 'getExportTask');
    },

    async downloadExportedFile(fileId, o = {}) {
      const operation = 'downloadExportedFile';
      const raw = await send(operation, o, { file_id: fileId }, undefined, (init) =>
        api.downloadExportedFileRaw(
          { projectId: config.projectId, fileId, enterpriseProjectId: o.enterpriseProjectId },
          init,
        ),
      );
      const length = raw.headers.get('Content-Length');
      if (!raw.body) throw new MalformedResponseError(`${operation}: the answer has no body`, raw.status, undefined);
      return {
        body: raw.body,
        size: length === null ? undefined : Number(length),
        requestId: raw.headers.get('X-Request-Id') ?? undefined,
      };
    },

    async waitForExportTask(taskId, o = {}) {
      const interval = o.pollIntervalMs ?? 5000;
      const limit = o.timeoutMs ?? 600_000;
      const started = Date.now();
      // One signal for the caller's abort and our deadline, so that a poll in flight or a
      // retry's backoff is cut short when either fires.
      const stop = new AbortController();
      let deadlinePassed = false;
      const deadline = setTimeout(() => {
        deadlinePassed = true;
        stop.abort();
      }, limit);
      const onAbort = () => stop.abort();
      o.signal?.addEventListener('abort', onAbort, { once: true });
      if (o.signal?.aborted) stop.abort();
      let status: ExportTask['task_status'] | undefined;
      try {
        for (let polls = 1; ; polls++) {
          const task = await client.getExportTask(taskId, { ...o, timeoutMs: undefined, signal: stop.signal });
          status = task.task_status;
          o.onProgress?.({ taskId, status, polls, elapsedMs: Date.now() - started });
          if (status === 'success') {
            if (!task.file_id) {
              throw new MalformedResponseError(
                `getExportTask: task ${taskId} succeeded but has no file_id`,
                200,
                undefined,
              );
            }
            return { taskId, fileId: task.file_id, fileName: task.file_name };
          }
          if (status === 'failure') throw new ExportFailedError(taskId, task.task_name);
          if (status !== 'running') {
            throw new MalformedResponseError(
              `getExportTask: unexpected task_status ${JSON.stringify(status)} for task ${taskId}`,
              200,
              undefined,
            );
          }
          await sleep(interval, stop.signal);
        }
      } catch (error) {
        if (deadlinePassed && error instanceof AbortError) throw new ExportTimeoutError({ taskId, status }, limit);
        // Whatever stopped the wait, the caller needs the task ID to resume it.
        if (error instanceof HssError) error.taskId ??= taskId;
        throw error;
      } finally {
        clearTimeout(deadline);
        o.signal?.removeEventListener('abort', onAbort);
      }
    },

    async exportContainers(request, o = {}) {
      const { task_id } = await client.createContainerExportTask(request, o);
      return client.waitForExportTask(task_id, o);
    },
  };
  return client;
}
