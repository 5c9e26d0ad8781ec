// The fetch function the generated client is given: it adds auth (token or a fresh AK/SK
// signature per attempt), enforces the per-attempt timeout and the caller's AbortSignal,
// turns non-2xx answers into typed errors and retries what retry.ts allows.
import { clockOffsetFrom } from './auth/clock-skew.js';
import type { ResolvedConfig } from './config.js';
import { AbortError, apiError, ConnectionError, HssError, redact, TimeoutError, type ApiError } from './errors.js';
import { isRetryable, parseRetryAfter, retryDelay } from './retry.js';

export interface CallContext {
  operation: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** What the generated runtime hands to `fetchApi`, plus our per-call context. */
export type TransportInit = RequestInit & { hss?: CallContext };

export function secretsOf(config: ResolvedConfig): string[] {
  const c = config.credentials as { token?: string; secretKey?: string; securityToken?: string };
  return [c.token, c.secretKey, c.securityToken].filter((s): s is string => !!s);
}

/** Waits `ms`, or rejects with AbortError as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError('aborted by the caller'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('aborted by the caller'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function systemCode(error: unknown): string | undefined {
  // undici: TypeError('fetch failed', { cause: { code } }), sometimes an AggregateError cause.
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

async function authHeaders(
  config: ResolvedConfig,
  url: string,
  init: RequestInit,
  now: Date,
): Promise<Record<string, string>> {
  const credentials = config.credentials;
  if ('token' in credentials) return { 'X-Auth-Token': credentials.token };
  // Loaded on first use so token-only bundles don't carry the signer.
  const { signedHeaders } = await import('./auth/signer.js');
  const given = init.headers as Record<string, string> | undefined;
  const signed: Record<string, string> = {};
  if (given?.['Content-Type']) signed['Content-Type'] = given['Content-Type'];
  return signedHeaders(
    { method: init.method ?? 'GET', url, headers: signed, body: init.body as string | undefined },
    credentials,
    { projectId: config.projectId, now },
  );
}

async function readError(response: Response, operation: string, secrets: string[]): Promise<ApiError> {
  const text = redact(await response.text().catch(() => ''), secrets);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return apiError({
    status: response.status,
    operation,
    errorCode: str(fields.error_code) ?? str(fields.code),
    errorMsg: str(fields.error_msg) ?? str(fields.message),
    requestId: response.headers.get('X-Request-Id') ?? str(fields.request_id),
    body,
    retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

export function createTransport(config: ResolvedConfig) {
  const secrets = secretsOf(config);
  const signing = !('token' in config.credentials);
  // The gateway's clock minus ours, learnt from a rejected signature (auth/clock-skew.ts).
  let clockOffsetMs = 0;

  async function attempt(url: string, init: TransportInit, context: CallContext, signedAt: Date): Promise<Response> {
    const timeoutMs = context.timeoutMs ?? config.timeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    context.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    try {
      const headers = {
        ...(init.headers as Record<string, string>),
        'User-Agent': config.userAgent,
        ...(await authHeaders(config, url, init, signedAt)),
      };
      const { hss: _context, ...fetchInit } = init;
      return await config.fetch(url, { ...fetchInit, headers, signal: controller.signal });
    } catch (error) {
      if (context.signal?.aborted) throw new AbortError(`${context.operation} was aborted by the caller`);
      if (timedOut) throw new TimeoutError(`${context.operation} got no answer within ${timeoutMs} ms`, timeoutMs);
      if (error instanceof HssError) throw error;
      const code = systemCode(error);
      const reason = redact(String((error as Error)?.message ?? error), secrets);
      throw new ConnectionError(
        `${context.operation} could not reach ${new URL(url).origin}: ${reason}${code ? ` (${code})` : ''}`,
        code,
      );
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
    }
  }

  return async function transport(input: RequestInfo | URL, init: TransportInit = {}): Promise<Response> {
    const url = String(input);
    const context = init.hss ?? { operation: `${init.method ?? 'GET'} ${new URL(url).pathname}` };
    const method = (init.method ?? 'GET').toUpperCase();
    const maxRetries = context.maxRetries ?? config.retry.maxRetries;
    let clockCorrected = false;
    for (let retry = 0; ; ) {
      let failure: HssError;
      try {
        const signedAt = new Date(Date.now() + clockOffsetMs);
        const response = await attempt(url, init, context, signedAt);
        if (response.ok) return response;
        const refused = await readError(response, context.operation, secrets);
        failure = refused;
        const offset =
          signing && !clockCorrected
            ? clockOffsetFrom({
                status: refused.status,
                errorCode: refused.errorCode,
                date: response.headers.get('Date'),
                signedAtMs: signedAt.getTime(),
                receivedAtMs: Date.now(),
              })
            : undefined;
        if (offset !== undefined) {
          // Refused at the gateway before anything ran, so resending is safe even for create;
          // once per call, and it does not use up a retry.
          clockOffsetMs = offset;
          clockCorrected = true;
          continue;
        }
      } catch (error) {
        if (!(error instanceof HssError) || error instanceof AbortError) throw error;
        failure = error;
      }
      if (retry >= maxRetries || !isRetryable(method, failure)) throw failure;
      await sleep(retryDelay(retry, config.retry, (failure as { retryAfterMs?: number }).retryAfterMs), context.signal);
      retry++;
    }
  };
}
