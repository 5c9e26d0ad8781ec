import { describe, expect, it } from 'vitest';
import { apiError, ConnectionError, RateLimitError, ServerError, TimeoutError } from '../src/errors.js';
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelay } from '../src/retry.js';

const api = (status: number) => apiError({ status, operation: 'o', body: '' });
const GET = true;
const POST = false;

describe('which failures are retried (idempotent: GET or x-hss-idempotent; not: the create POST)', () => {
  it('GET: 429, 502, 503, 504, connection errors and timeouts; not 400/401/403/404/500', () => {
    for (const s of [429, 502, 503, 504]) expect(isRetryable(GET, api(s))).toBe(true);
    for (const s of [400, 401, 403, 404, 500]) expect(isRetryable(GET, api(s))).toBe(false);
    expect(isRetryable(GET, new ConnectionError('x', 'ECONNRESET'))).toBe(true);
    expect(isRetryable(GET, new TimeoutError('x', 1))).toBe(true);
  });

  it('POST (creates a task): only when the request provably was not processed', () => {
    expect(isRetryable(POST, api(429))).toBe(true);
    expect(isRetryable(POST, new ConnectionError('x', 'ECONNREFUSED'))).toBe(true);
    expect(isRetryable(POST, new ConnectionError('x', 'ENOTFOUND'))).toBe(true);
    for (const s of [500, 502, 503, 504]) expect(isRetryable(POST, api(s))).toBe(false);
    expect(isRetryable(POST, new ConnectionError('x', 'ECONNRESET'))).toBe(false);
    expect(isRetryable(POST, new ConnectionError('x', undefined))).toBe(false);
    expect(isRetryable(POST, new TimeoutError('x', 1))).toBe(false);
    expect(isRetryable(POST, new ServerError({ status: 503, operation: 'o', body: '' }))).toBe(false);
    expect(isRetryable(POST, new RateLimitError({ status: 429, operation: 'o', body: '' }))).toBe(true);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-11-27T00:00:00Z');
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 00:00:00 GMT', now + 5000)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('is honoured but capped at maxDelayMs', () => {
    expect(retryDelay(0, DEFAULT_RETRY_POLICY, 2000)).toBe(2000);
    expect(retryDelay(0, DEFAULT_RETRY_POLICY, 3_600_000)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('backoff', () => {
  it('uses full jitter below an exponentially growing, capped ceiling', () => {
    const policy = { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    const top = () => 0.999999;
    expect(retryDelay(0, policy, undefined, top)).toBe(99);
    expect(retryDelay(1, policy, undefined, top)).toBe(199);
    expect(retryDelay(2, policy, undefined, top)).toBe(399);
    expect(retryDelay(6, policy, undefined, top)).toBe(999);
    expect(retryDelay(3, policy, undefined, () => 0)).toBe(0);
    const seen = new Set(Array.from({ length: 50 }, () => retryDelay(3, policy)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d).toBeLessThan(800);
  });
});
