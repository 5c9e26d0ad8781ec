// The body of a file answer, as the caller reads it. Loaded only when a call answers with
// a file, so apps that never download do not ship it.
import { AbortError, ConnectionError, HssError, MalformedResponseError, TimeoutError } from './errors.js';
import type { Redact } from './redact.js';
import { preview } from './redact.js';
import type { BinaryResponse } from './request.js';

/**
 * Checks the headers of a file answer, then streams its body: it stops when the caller
 * aborts, errors when nothing arrives for `idleMs`, and checks the byte count against
 * Content-Length (so a body cut short or padded never looks whole).
 */
export function fileAnswer(
  response: Response,
  operation: string,
  requestId: string | undefined,
  idleMs: number,
  controller: AbortController,
  signal: AbortSignal | undefined,
  redact: Redact,
): BinaryResponse {
  const length = response.headers.get('Content-Length');
  const encoding = response.headers.get('Content-Encoding');
  // fetch decodes gzip by itself; the decoded bytes would no longer match Content-Length,
  // and their size would have no bound, so a file must come as it was asked for: identity.
  const problem =
    length !== null && !/^\d{1,15}$/.test(length)
      ? `has an unreadable Content-Length ${preview(length, redact, 20)}`
      : encoding && !/^identity$/i.test(encoding)
        ? `came ${preview(encoding, redact, 20)}-encoded although identity was asked for, so its size cannot be checked`
        : '';
  if (problem) {
    controller.abort();
    throw new MalformedResponseError(
      `${operation}: the HTTP ${response.status} answer ${problem}`,
      response.status,
      requestId,
    );
  }
  const size = length === null ? undefined : Number(length);
  const reader = response.body?.getReader();
  const of = size === undefined ? '' : ` of ${size}`;
  let received = 0;
  let idle = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      const timer =
        idleMs > 0
          ? setTimeout(() => {
              idle = true;
              controller.abort();
            }, idleMs)
          : undefined;
      try {
        const next = await reader?.read();
        if (!next || next.done) {
          if (size !== undefined && received !== size)
            throw new ConnectionError(`${operation}: the file broke off after ${received}${of} bytes`, undefined, 200);
          controller.abort();
          return out.close();
        }
        received += next.value.byteLength;
        if (size !== undefined && received > size) {
          throw new MalformedResponseError(
            `${operation}: the file is longer than its Content-Length of ${size} bytes`,
            200,
            requestId,
          );
        }
        out.enqueue(next.value);
      } catch (error) {
        controller.abort();
        if (signal?.aborted) throw new AbortError(`${operation} was aborted by the caller`);
        if (idle)
          throw new TimeoutError(
            `${operation}: the file sent nothing for ${idleMs} ms after ${received}${of} bytes`,
            idleMs,
          );
        if (error instanceof HssError) throw error;
        throw new ConnectionError(
          `${operation}: the file broke off after ${received}${of} bytes: ${redact(String(error))}`,
          undefined,
          200,
        );
      } finally {
        clearTimeout(timer);
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason).catch(() => {});
      controller.abort();
    },
  });
  return { body, size, requestId };
}
