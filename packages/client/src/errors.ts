// One small hierarchy a caller can branch on with `instanceof`. Errors carry what a
// caller needs to act or to ask Huawei support (status, error code, request ID) and
// never a credential: no request headers are stored, and every string that came from
// the server or the caller went through the client's redaction first (redact.ts).
import type { ValidationProblem } from './validation.js';

/** The base of every error this SDK throws. */
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

/** What an ApiError is made from. */
export interface ApiErrorDetails {
  status: number;
  operation: string;
  errorCode?: string | undefined;
  errorMsg?: string | undefined;
  requestId?: string | undefined;
  body: unknown;
  retryAfterMs?: number | undefined;
}

/** The API answered with an error status. Subclasses by status follow. */
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
  /** What the server's `Retry-After` asked for, in milliseconds, if it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(d: ApiErrorDetails) {
    super(
      `${d.operation} failed with HTTP ${d.status}${d.errorCode ? ` ${d.errorCode}` : ''}${d.errorMsg ? `: ${d.errorMsg}` : ''}${d.requestId ? ` (request id ${d.requestId})` : ''}`,
    );
    this.status = d.status;
    this.operation = d.operation;
    this.errorCode = d.errorCode;
    this.errorMsg = d.errorMsg;
    this.requestId = d.requestId;
    this.body = d.body;
    this.retryAfterMs = d.retryAfterMs;
  }
}
/** 400: the service refused the request (e.g. `HSS.0001` invalid parameter). */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
/** 401: missing, wrong or expired credentials, or a clock too far off for AK/SK. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
/** 403: the credentials may not call this API (or not in this project). */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
/** 404: no such API, task or file. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** 429: throttled by the gateway before the service saw the request. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}
/** 5xx: the gateway or the service failed. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

/** The ApiError subclass for the status (400 BadRequestError … 5xx ServerError). */
export const apiError = (d: ApiErrorDetails): ApiError =>
  new (BY_STATUS[d.status] ?? (d.status >= 500 ? ServerError : ApiError))(d);

/**
 * The server answered with a redirect. It is never followed: the credentials and the body
 * would go wherever it points (another origin, or plain http). Never retried.
 */
export class RedirectError extends HssError {
  override name = 'RedirectError';
  constructor(
    message: string,
    readonly status: number,
    /** The target's origin (`https://host:port`); no path, which could carry anything. Undefined when hidden (browsers). */
    readonly location: string | undefined,
  ) {
    super(message);
  }
}

/** No complete HTTP answer: refused, reset, DNS, TLS, or the answer's body broke off. */
export class ConnectionError extends HssError {
  override name = 'ConnectionError';
  constructor(
    message: string,
    /** The system error code when the runtime exposes one, e.g. `ECONNREFUSED`. */
    readonly code: string | undefined,
    /** Set when the server had already answered with this status before the connection broke. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** No complete answer within the time limit. */
export class TimeoutError extends HssError {
  override name = 'TimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends HssError {
  override name = 'AbortError';
}

/** A 2xx answer that is not what the spec promises: bad JSON, a field out of its limits, an undocumented status. */
export class MalformedResponseError extends HssError {
  override name = 'MalformedResponseError';
  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

/** The request breaks the spec's rules, or a call option is out of range; nothing was sent. */
export class ValidationError extends HssError {
  override name = 'ValidationError';
  constructor(
    operation: string,
    readonly problems: readonly ValidationProblem[],
  ) {
    super(`${operation}: invalid request, nothing was sent:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
  }
}

/** `createHssClient` options or the environment are missing or contradict each other. */
export class ConfigError extends HssError {
  override name = 'ConfigError';
}

/** The export task ended in `failure`. */
export class ExportFailedError extends HssError {
  override name = 'ExportFailedError';
  constructor(
    override taskId: string,
    readonly taskName: string | undefined,
  ) {
    super(`export task ${taskId} ended with task_status "failure"; create a new task to try again`);
  }
}

/** Waiting gave up before the task finished; resume with `waitForExportTask(taskId)`. */
export class ExportTimeoutError extends TimeoutError {
  override name = 'ExportTimeoutError';
  constructor(
    override taskId: string,
    readonly lastStatus: string | undefined,
    timeoutMs: number,
  ) {
    super(
      `export task ${taskId} was still ${lastStatus ?? 'unknown'} after ${timeoutMs} ms; resume with waitForExportTask("${taskId}")`,
      timeoutMs,
    );
  }
}
