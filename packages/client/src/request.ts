// The one request path every generated method takes: validate → build the URL → auth →
// send (never following a redirect) → decode → typed errors → retries. It knows no
// operation by name: everything per operation comes from src/generated/operations.ts.
import { checkCredential, checkMs, checkRetries, type Credential, type ResolvedConfig } from './config.js';
import {
  AbortError,
  ApiError,
  apiError,
  ConnectionError,
  HssError,
  MalformedResponseError,
  RedirectError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import { schemas } from './generated/operations.js';
import type { Operation } from './operation.js';
import { preview, type Redact, redactDeep, redactor } from './redact.js';
import { isRetryable, parseRetryAfter, retryDelay } from './retry.js';
import { check, type ValidationProblem } from './validation.js';

/** Per-call settings; each overrides the client's. */
export interface RequestOptions {
  /** Stops the call at once, also during a retry's backoff or while a file streams in. */
  signal?: AbortSignal | undefined;
  /** Per attempt: until a JSON answer is read whole, or a file's headers arrive (0: no limit). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt, for failures this operation may retry (0 to 10). */
  maxRetries?: number | undefined;
  /** Files: fail when the body sends nothing for this long (0: never). */
  idleTimeoutMs?: number | undefined;
}

/** A method's arguments: `params` may be left out when none of them is required. */
export type Args<P> =
  Partial<P> extends P ? [params?: P, options?: RequestOptions] : [params: P, options?: RequestOptions];

export type Call = (operation: Operation, params?: object, options?: RequestOptions) => Promise<unknown>;

/** A file answer, streamed as it arrives. */
export interface BinaryResponse {
  /** The bytes; errors with TimeoutError when idle too long, AbortError, or ConnectionError when cut short. */
  body: ReadableStream<Uint8Array>;
  /** From Content-Length, when the server sent one; the stream checks it. */
  size: number | undefined;
  requestId: string | undefined;
}

// Answers from this API are a few hundred bytes; a body far larger is not one of them.
const MAX_JSON_BYTES = 4 << 20;
const MAX_ERROR_BYTES = 64 << 10;

/** Waits `ms`, or rejects with AbortError as soon as `signal` fires. */
export const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError('aborted by the caller'));
    // Listens on a signal of its own: a listener per sleeping call on the caller's signal,
    // which many calls may share, would pass Node's limit of 10 and warn of a leak.
    const own = signal && AbortSignal.any([signal]);
    const timer = setTimeout(() => {
      own?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(new AbortError('aborted by the caller'));
    };
    own?.addEventListener('abort', abort, { once: true });
  });

/**
 * A body read whole; past `cap` bytes it stops, with `tooBig`'s error or (error bodies)
 * keeping the start, and `cut` says so.
 */
async function readAll(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
  tooBig?: () => Error,
): Promise<{ bytes: Uint8Array; cut: boolean }> {
  let cut = false;
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
    const part = next.value.subarray(0, cap - size);
    parts.push(part);
    size += part.byteLength;
    if (part.byteLength < next.value.byteLength) {
      await reader!.cancel().catch(() => {});
      if (tooBig) throw tooBig();
      cut = true;
      break;
    }
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return { bytes: all, cut };
}

export interface Core {
  call: Call;
  /** Replaces every credential this client has used with [REDACTED]. */
  redact: Redact;
}

export function createCore(config: ResolvedConfig): Core {
  const secrets = new Set<string>(config.secrets);
  const redact = redactor(secrets);
  const show = (v: unknown): string =>
    typeof v === 'string'
      ? preview(v, redact, 40)
      : v && typeof v === 'object'
        ? `an ${Array.isArray(v) ? 'array' : 'object'}`
        : String(v);
  // The gateway's clock minus ours, learnt from a refused signature (auth/clock-skew.ts).
  let clockOffsetMs = 0;
  let signer: Promise<typeof import('./auth/signer.js')> | undefined;
  const checked = new WeakSet<Credential>();

  const call: Call = async (op, params = {}, options = {}) => {
    const { signal } = options;
    const id = op.id;
    const given = params as Record<string, unknown>;
    const problems: ValidationProblem[] = [];
    const fail = (path: string, rule: string, text: string) =>
      problems.push({ path, rule, message: `${path} ${text}` });
    const setting = (check: typeof checkMs, name: Exclude<keyof RequestOptions, 'signal'>, fallback: number) => {
      try {
        return check(`options.${name}`, options[name], fallback);
      } catch (error) {
        problems.push({ path: `options.${name}`, rule: 'option', message: (error as Error).message });
        return 0;
      }
    };
    const timeoutMs = setting(checkMs, 'timeoutMs', config.timeoutMs);
    const idleMs = setting(checkMs, 'idleTimeoutMs', config.idleTimeoutMs);
    const maxRetries = setting(checkRetries, 'maxRetries', config.retry.maxRetries);
    const { credentials, projectId } = await config.settings();
    const defaults = { projectId, region: config.region };

    // Parameters and body fields arrive side by side, under the API's own names.
    const values: Record<string, unknown> = {};
    for (const p of op.params) {
      const value = given[p.name] ?? (p.option && defaults[p.option]);
      values[p.name] = value;
      if (value == null) {
        if (p.required) fail(p.name, 'required', 'is required');
        continue;
      }
      check(schemas, p.schema, value, p.name, problems, show);
      // URL parsing resolves "." and ".." segments, so the request would go to another path.
      if (p.in === 'path' && (value === '.' || value === '..')) fail(p.name, 'pathSegment', 'must not be "." or ".."');
      // fetch trims spaces around a header value, so the server would not get what was checked.
      if (p.in === 'header' && /[^\x20-\x7e]|^ | $/.test(String(value)))
        fail(p.name, 'header', 'must be printable ASCII, with no space at either end');
    }
    const fields = op.body?.fields;
    // A body that is not an object (none in today's spec) is passed whole, as `body`.
    const whole = op.body !== undefined && !fields;
    let body = whole ? given.body : undefined;
    for (const [name, value] of Object.entries(given)) {
      if (value === undefined || Object.hasOwn(values, name)) continue;
      if (fields?.includes(name)) {
        body ??= {};
        (body as Record<string, unknown>)[name] = value;
      } else if (!whole || name !== 'body')
        fail(name, 'unknown', `is not a parameter${fields ? ' or body field' : ''} of ${id}`);
    }
    if (op.body?.required) body ??= fields && {};
    if (body !== undefined) check(schemas, op.body!.schema, body, '', problems, show);
    else if (op.body?.required) fail('body', 'required', 'is required');
    // A credential pasted into the wrong field must not show up in the message either.
    if (problems.length > 0)
      throw new ValidationError(
        id,
        problems.map((p) => ({ ...p, message: redact(p.message) })),
      );

    const query = new URLSearchParams();
    const headers: Record<string, string> = { 'User-Agent': config.userAgent, Accept: 'application/json' };
    for (const p of op.params) {
      const value = values[p.name];
      if (value != null && p.in === 'query') for (const v of [value].flat()) query.append(p.name, String(v));
      if (value != null && p.in === 'header') headers[p.name] = String(value);
    }
    const url = `${config.endpoint}${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])))}${query.size ? `?${query}` : ''}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const signed: Record<string, string> = payload === undefined ? {} : { 'Content-Type': 'application/json' };
    if (Object.values(op.responses).some((a) => a.kind === 'bytes')) {
      headers.Accept = '*/*';
      headers['Accept-Encoding'] = 'identity';
    }
    const idempotent = op.idempotent ? op.idempotent === 'true' : op.method === 'GET';

    let date: string | null = null;
    const attempt = async (credential: Credential, signedAt: Date): Promise<unknown> => {
      const controller = new AbortController();
      let timedOut = false;
      const timer = timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
      // AbortSignal.any adds no listener to the caller's signal, so many calls can share one.
      const both = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      let status: number | undefined;
      let streaming = false;
      try {
        signer ??= credential.kind === 'aksk' ? import('./auth/signer.js') : undefined;
        const auth =
          credential.kind === 'token'
            ? { 'X-Auth-Token': credential.token }
            : await (await signer!).signedHeaders(
                { method: op.method, url, headers: signed, body: payload },
                credential,
                { projectId, now: signedAt },
              );
        const response = await config.fetch(url, {
          method: op.method,
          headers: { ...headers, ...signed, ...auth },
          body: payload,
          signal: both,
          redirect: 'manual',
        });
        status = response.status;
        date = response.headers.get('Date');
        const requestId = response.headers.get('X-Request-Id');
        // Redacted before it is cut: a cut first could leave the start of a secret behind.
        const safeId = requestId ? redact(requestId).slice(0, 200) : undefined;
        const malformed = (why: string) =>
          new MalformedResponseError(redact(`${id}: the HTTP ${status} answer ${why}`), status!, safeId);
        // Browsers give an opaque answer with status 0 instead of the redirect itself.
        if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
          const location = response.headers.get('Location');
          let to: string | undefined;
          try {
            // A relative Location resolves against the request; `null` is the origin of file: and the like.
            const origin = location === null ? 'null' : new URL(location, url).origin;
            if (origin !== 'null') to = redact(origin);
          } catch {}
          const where =
            location === null && response.type !== 'opaqueredirect'
              ? 'without a Location header'
              : `to ${to ?? 'another address'}`;
          throw new RedirectError(
            `${id}: HTTP ${status || 'redirect'} ${where}, not followed: credentials and data stay with the endpoint (check the region or endpoint)`,
            status,
            to,
          );
        }
        if (status < 200 || status > 299) {
          const { bytes, cut } = await readAll(response.body, MAX_ERROR_BYTES);
          const text = new TextDecoder().decode(bytes);
          // A body cut at the limit may end part way into a secret: that start goes too.
          let parsed: unknown = redact(text, cut);
          try {
            parsed = redactDeep(JSON.parse(text), redact);
          } catch {}
          const f = (parsed ?? {}) as Record<string, unknown>;
          const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 1000) : undefined);
          throw apiError({
            status,
            operation: id,
            errorCode: str(f.error_code ?? f.code),
            errorMsg: str(f.error_msg ?? f.message),
            requestId: safeId || str(f.request_id),
            body: parsed,
            retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
          });
        }
        const answer = op.responses[status];
        if (!answer)
          throw malformed(`is not one the spec documents for ${id} (HTTP ${Object.keys(op.responses).join(' or ')})`);
        if (answer.kind === 'bytes') {
          const { fileAnswer } = await import('./file-stream.js');
          clearTimeout(timer);
          const file = fileAnswer(response, id, safeId, idleMs, controller, signal, redact);
          streaming = true;
          return file;
        }
        const { bytes } = await readAll(response.body, MAX_JSON_BYTES, () =>
          malformed(`is over ${MAX_JSON_BYTES} bytes`),
        );
        if (answer.kind === 'empty') return undefined;
        const charset = /charset=([^;]+)/i.exec(response.headers.get('Content-Type') ?? '')?.[1];
        if (charset && !/^"?utf-8"?$/i.test(charset.trim()))
          throw malformed(`is ${preview(charset, redact, 20)}; JSON must be UTF-8`);
        let value: unknown;
        try {
          value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch {
          throw malformed(
            `is not UTF-8 JSON (${bytes.length} bytes: ${preview(new TextDecoder().decode(bytes), redact)})`,
          );
        }
        const wrong: ValidationProblem[] = [];
        check(schemas, answer.schema, value, 'answer', wrong, show);
        if (wrong.length > 0) throw malformed(`does not match the spec: ${wrong.map((p) => p.message).join('; ')}`);
        return value;
      } catch (error) {
        // Frees the connection of an answer left unread; a finished one needs nothing (and
        // aborting it anyway costs a tenth of a loopback call).
        controller.abort();
        if (signal?.aborted) throw new AbortError(`${id} was aborted by the caller`);
        if (timedOut) throw new TimeoutError(`${id} got no complete answer within ${timeoutMs} ms`, timeoutMs);
        if (error instanceof HssError) throw error;
        // undici: TypeError('fetch failed', { cause: { code } }), sometimes an AggregateError cause.
        const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
        const code = cause?.code ?? cause?.errors?.[0]?.code;
        const reason = redact(`${(error as Error).message ?? error}${code ? ` (${code})` : ''}`);
        throw new ConnectionError(
          status === undefined
            ? `${id} could not reach ${new URL(url).origin}: ${reason}`
            : `${id}: the HTTP ${status} answer broke off: ${reason}${status < 300 ? '. It was processed: check the result before sending it again' : ''}`,
          typeof code === 'string' ? code : undefined,
          status,
        );
      } finally {
        if (!streaming) clearTimeout(timer);
      }
    };

    for (let retry = 0, resent = false; ; ) {
      const signedAt = new Date(Date.now() + clockOffsetMs);
      let credential: Credential | undefined;
      try {
        credential = await credentials.get({ signal });
        if (!checked.has(credential)) {
          for (const s of Object.values(credential)) if (typeof s === 'string' && s !== credential.kind) secrets.add(s);
          checkCredential(credential, credentials.source);
          checked.add(credential);
        }
        return await attempt(credential, signedAt);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401 && credential && !resent) {
          // Both refusals come from the gateway before the service saw the request, so
          // resending is safe even for create; once per call, not counted as a retry.
          resent = true;
          const offset =
            credential.kind === 'aksk' &&
            (await signer!).clockOffsetFrom({
              status: 401,
              errorCode: error.errorCode,
              date,
              signedAtMs: signedAt.getTime(),
              receivedAtMs: Date.now(),
            });
          if (offset !== undefined && offset !== false) {
            clockOffsetMs = offset;
            continue;
          }
          // Temporary credentials the gateway refused: never send the same ones again.
          if (credential.expiresAt !== undefined) {
            credentials.invalidate(credential);
            continue;
          }
        }
        if (retry++ >= maxRetries || !isRetryable(idempotent, error)) throw error;
        await sleep(retryDelay(retry - 1, config.retry, (error as ApiError).retryAfterMs), signal);
      }
    }
  };
  return { call, redact };
}
