// One small hierarchy a caller can branch on with `instanceof`. Errors carry what a
// caller needs to act or to ask Huawei support (status, error code, request ID) and
// never a credential: no request headers are stored, and every message and body that
// came from elsewhere goes through `redact` first.
import type { ValidationProblem } from './validation.js';

export class HssError extends Error {
  override name = 'HssError';
  /** Set on errors thrown while waiting for an export, so the wait can be resumed. */
  taskId?: string;

  /** The fields worth logging, for `JSON.stringify(error)`. */
  toJSON(): Record<string, unknown> {
    const { stack: _stack, cause: _cause, ...fields } = this as unknown as Record<string, unknown>;
    return { ...fields, name: this.name, message: this.message };
  }
}

export interface ApiErrorDetails {
  status: number;
  operation: string;
  errorCode?: string | undefined;
  errorMsg?: string | undefined;
  requestId?: string | undefined;
  body: unknown;
  retryAfterMs?: number | undefined;
}

/** The API answered with a non-2xx status. Subclasses by status class follow. */
export class ApiError extends HssError {
  override name = 'ApiError';
  readonly status: number;
  readonly operation: string;
  /** `HSS.*` from the service, `APIGW.*` from the gateway. */
  readonly errorCode: string | undefined;
  readonly errorMsg: string | undefined;
  /** From the `X-Request-Id` response header (or the body's `request_id`). */
  readonly requestId: string | undefined;
  /** The parsed JSON body, or its text when it was not JSON. */
  readonly body: unknown;

  constructor(details: ApiErrorDetails) {
    const code = details.errorCode ? ` ${details.errorCode}` : '';
    const msg = details.errorMsg ? `: ${details.errorMsg}` : '';
    const id = details.requestId ? ` (request id ${details.requestId})` : '';
    super(`${details.operation} failed with HTTP ${details.status}${code}${msg}${id}`);
    this.status = details.status;
    this.operation = details.operation;
    this.errorCode = details.errorCode;
    this.errorMsg = details.errorMsg;
    this.requestId = details.requestId;
    this.body = details.body;
  }
}
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** What the server's `Retry-After` asked for, in milliseconds, if it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(details: ApiErrorDetails) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}
export class ServerError extends ApiError {
  override name = 'ServerError';
}

export function apiError(details: ApiErrorDetails): ApiError {
  const s = details.status;
  const Class =
    s === 400
      ? BadRequestError
      : s === 401
        ? AuthenticationError
        : s === 403
          ? PermissionDeniedError
          : s === 404
            ? NotFoundError
            : s === 429
              ? RateLimitError
              : s >= 500
                ? ServerError
                : ApiError;
  return new Class(details);
}

/** The request never got an HTTP answer (DNS, refused, reset, TLS). */
export class ConnectionError extends HssError {
  override name = 'ConnectionError';
  /** The system error code when the runtime exposes one, e.g. `ECONNREFUSED`. */
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, cause?: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

/** No complete answer within `timeoutMs`. */
export class TimeoutError extends HssError {
  override name = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super(message);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends HssError {
  override name = 'AbortError';
}

/** A 2xx answer whose body was not what the spec promises (e.g. malformed JSON). */
export class MalformedResponseError extends HssError {
  override name = 'MalformedResponseError';
  readonly status: number;
  readonly requestId: string | undefined;
  constructor(message: string, status: number, requestId: string | undefined) {
    super(message);
    this.status = status;
    this.requestId = requestId;
  }
}

/** The request breaks the spec's rules; nothing was sent. */
export class ValidationError extends HssError {
  override name = 'ValidationError';
  readonly problems: readonly ValidationProblem[];
  constructor(operation: string, problems: readonly ValidationProblem[]) {
    super(`${operation}: invalid request, nothing was sent:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

/** `createHssClient` options are missing or contradict each other. */
export class ConfigError extends HssError {
  override name = 'ConfigError';
}

export interface ExportTaskState {
  taskId: string;
  status: string | undefined;
}

/** The export task ended in `failure`. */
export class ExportFailedError extends HssError {
  override name = 'ExportFailedError';
  override taskId: string;
  readonly taskName: string | undefined;
  constructor(taskId: string, taskName: string | undefined) {
    super(`export task ${taskId} ended with task_status "failure"; create a new task to try again`);
    this.taskId = taskId;
    this.taskName = taskName;
  }
}

/** Waiting gave up before the task finished; resume with `waitForExportTask(taskId)`. */
export class ExportTimeoutError extends TimeoutError {
  override name = 'ExportTimeoutError';
  override taskId: string;
  readonly lastStatus: string | undefined;
  constructor(state: ExportTaskState, timeoutMs: number) {
    super(
      `export task ${state.taskId} was still ${state.status ?? 'unknown'} after ${timeoutMs} ms; ` +
        `resume with waitForExportTask("${state.taskId}")`,
      timeoutMs,
    );
    this.taskId = state.taskId;
    this.lastStatus = state.status;
  }
}

/** Replaces every occurrence of a secret with `[REDACTED]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[REDACTED]');
  return out;
}
