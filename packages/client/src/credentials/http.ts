// One request to a credential source with a time limit that covers the whole answer,
// body included: a metadata service or IAM that sends headers and then stalls must not
// hang the caller. Failures become CredentialSourceError (or AbortError for the caller's
// signal) whose messages name the request, never what was sent.
import { AbortError } from '../errors.js';
import { CredentialSourceError } from './errors.js';

export interface SourceAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface SourceRequest {
  fetch: typeof globalThis.fetch;
  url: string;
  init: RequestInit;
  /** The source, e.g. "instance metadata". */
  source: string;
  /** The request in words, e.g. "PUT /meta-data/latest/api/token". */
  what: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

function systemCode(error: unknown): string | undefined {
  // undici: TypeError('fetch failed', { cause: { code } }), sometimes an AggregateError cause.
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } })?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : undefined;
}

export async function sendToSource(request: SourceRequest): Promise<SourceAnswer> {
  const { signal, source, what, timeoutMs } = request;
  if (signal?.aborted) throw new AbortError(`${source}: ${what} was aborted by the caller`);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await request.fetch(request.url, { ...request.init, signal: controller.signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal?.aborted) throw new AbortError(`${source}: ${what} was aborted by the caller`);
    if (timedOut) {
      throw new CredentialSourceError('TIMEOUT', source, `${source}: ${what} got no answer within ${timeoutMs} ms`);
    }
    const code = systemCode(error);
    throw new CredentialSourceError(
      'UNREACHABLE',
      source,
      `${source}: ${what} could not reach ${new URL(request.url).origin}${code ? ` (${code})` : ''}`,
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A request ID and error code from an answer, when they look like one (they go into messages). */
export function answerIds(answer: SourceAnswer): string {
  const parts: string[] = [];
  let code: unknown;
  try {
    const body = JSON.parse(answer.text) as { error_code?: unknown } | null;
    code = body?.error_code;
  } catch {}
  // Anything else in a body may echo what we sent, so only a code of the usual shape is used.
  if (typeof code === 'string' && /^[A-Za-z]{2,10}\.\d{1,6}$/.test(code)) parts.push(code);
  const requestId = answer.headers.get('X-Request-Id');
  if (requestId && /^[A-Za-z0-9-]{1,80}$/.test(requestId)) parts.push(`request id ${requestId}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
