// When to try a request again, and how long to wait first.
//
// A call that is not idempotent (the create call is a POST that makes a new export task
// each time the service processes it) must never risk a duplicate. It is retried only
// when the request provably was not processed: a 429 (the gateway throttled it before the
// service saw it) or a connection that failed before any byte was sent (refused, or the
// host name did not resolve). Idempotent calls (GET, or `x-hss-idempotent: true`) are also
// retried on resets, timeouts, bodies that broke off, 502, 503 and 504.
import { ApiError, ConnectionError, TimeoutError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff ceiling; doubles per retry (full jitter picks a delay below it). */
  baseDelayMs: number;
  /** Upper bound on any single wait, including one asked for by `Retry-After`. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 30_000 };

const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Whether a failed attempt may be tried again. */
export function isRetryable(idempotent: boolean, error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 429 || (idempotent && RETRYABLE_STATUS.has(error.status));
  if (idempotent) return error instanceof ConnectionError || error instanceof TimeoutError;
  return error instanceof ConnectionError && error.status === undefined && NOTHING_SENT.has(error.code ?? '');
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Wait before retry number `retry` (0-based): the server's ask if any, else full-jitter backoff. */
export function retryDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
