// The client's own validation and Prism serving the same spec agree on which requests are
// valid. From the spec's rules alone (model.ts), for every operation: valid params pass the
// client, go out as the spec says, and Prism accepts them with no sl-violations; params that
// break one rule are refused by the client (nothing sent) and, sent as raw HTTP, by Prism,
// except the known gaps, asserted both ways so that closing one is noticed. A disagreement
// fails with fast-check's shrunk counter-example and the seed that reproduces it:
//   HSS_FC_SEED=<seed> pnpm exec vitest run --project @hss-export/contract-tests packages/contract-tests/test/agreement
import { createHssClient, ValidationError } from '@hss-export/client';
import { type Operation, operations } from '@hss-export/client/spec';
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { paramsFor } from '../support/values.js';
import { type Break, breaks, toHttp, validParams } from './model.js';

const seed = Number(process.env.HSS_FC_SEED ?? 20_251_128);
if (!Number.isSafeInteger(seed)) throw new Error(`HSS_FC_SEED must be an integer, got ${process.env.HSS_FC_SEED}`);
console.log(`agreement: fast-check seed ${seed} (set HSS_FC_SEED to change it)`);
// Runs per property (each one or two requests, one at a time): about 1,700 requests in all.
const VALID_RUNS = 100;
const BREAK_RUNS = 10;
const TOKEN = 'agreement-test-token';
const defaults = { projectId: 'agreement-project', region: 'ap-southeast-1' };

/** Prism's verdict on one request. */
const verdict = ({ status, headers }: Response) => {
  const violations = headers.get('sl-violations');
  const accepted = status >= 200 && status < 300 && !violations;
  return { status, violations, accepted, refused: [400, 422].includes(status) || !!violations };
};

/** Calls the operation's method as a user would, recording what went out and Prism's verdict. */
async function viaClient(op: Operation, params: object) {
  const sent: object[] = [];
  const hss = createHssClient({
    endpoint: inject('prismUrl'),
    ...defaults,
    credentials: { token: TOKEN },
    maxRetries: 0,
    env: {},
    fetch: async (url, init = {}) => {
      const response = await fetch(url, init);
      const headers = Object.fromEntries(new Headers(init.headers));
      sent.push({ url: String(url), method: init.method, headers, body: init.body, verdict: verdict(response) });
      return response;
    },
  });
  try {
    const answer = await (hss[op.id as keyof typeof hss] as (p: object) => Promise<unknown>)(params);
    // A file answer streams: cancel it so the connection is free for the next case.
    const body = (answer as { body?: unknown } | undefined)?.body;
    if (body instanceof ReadableStream) await body.cancel();
    return { sent };
  } catch (error) {
    return { sent, error };
  }
}

const http = (op: Operation, params: object) =>
  toHttp(op, params as Record<string, unknown>, inject('prismUrl'), defaults);

/** The same request, built from the operation's data and sent to Prism with a bare fetch. */
async function viaFetch(op: Operation, params: object) {
  const { url, method, headers, body } = http(op, params);
  const response = await fetch(url, { method, headers: { ...headers, 'X-Auth-Token': TOKEN }, body });
  await response.arrayBuffer();
  return verdict(response);
}

const run = (numRuns: number) => ({ seed, numRuns });
const refusal = (at: string, rule: string) => expect.objectContaining({ path: at, rule });

describe.each(Object.values(operations))(`$id (fast-check seed ${seed})`, (op) => {
  it(`valid params: the client sends them as the spec says and Prism accepts them (${VALID_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(validParams(op), async (params) => {
        const { sent, error } = await viaClient(op, params);
        // What went out is what the operation's data says, as viaFetch sends it below.
        expect(sent).toMatchObject([{ ...http(op, params), verdict: { accepted: true, violations: null } }]);
        expect(error).toBeUndefined();
      }),
      run(VALID_RUNS),
    );
  });

  const title = (b: Break) => {
    const prism = b.gap ? `Prism accepts it (known gap: ${b.gap})` : 'so does Prism';
    return `${b.label}: the client refuses it, nothing sent, and ${prism} (${BREAK_RUNS} runs)`;
  };
  it.each(breaks(op).map((b) => [title(b), b] as const))('%s', async (_, b) => {
    await fc.assert(
      fc.asyncProperty(b.broken, async ({ value: params, at }) => {
        const { sent, error } = await viaClient(op, params as object);
        expect(sent, 'the client sent an invalid request').toEqual([]);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).problems).toEqual([refusal(at, b.rule)]);
        const prism = await viaFetch(op, params as object);
        const closed = 'a known gap is closed (or another rule was broken: see the violations)';
        if (b.gap) expect(prism, closed).toMatchObject({ accepted: true, violations: null });
        else expect(prism, 'Prism accepted a request the client refuses').toMatchObject({ refused: true });
      }),
      run(BREAK_RUNS),
    );
  });
});

const pathParams = Object.values(operations).flatMap((op) =>
  op.params.filter((p) => p.in === 'path').flatMap((p) => ['.', '..'].map((v) => [op.id, p.name, v, op] as const)),
);
it.each(pathParams)('%s: %s %j is refused by the client, as the URL would drop it', async (_, name, v, op) => {
  const params = { ...paramsFor(op, false), [name]: v };
  const { sent, error } = await viaClient(op, params);
  expect(sent).toEqual([]);
  expect((error as ValidationError).problems).toContainEqual(refusal(name, 'pathSegment'));
  const { url } = http(op, params);
  expect(new URL(url).href, 'sent, the request would go to another path').not.toBe(url);
});

// On an operation without a request body, `body` is just another unknown key.
const bodiless = Object.values(operations).filter((op) => !op.body);
it.each(bodiless)('$id: a `body` key is refused like any unknown key, nothing sent', async (op) => {
  const { sent, error } = await viaClient(op, { ...paramsFor(op, false), body: {} });
  expect(sent).toEqual([]);
  expect((error as ValidationError).problems).toContainEqual(refusal('body', 'unknown'));
});

// fetch trims a header value's outer spaces, so the server would not get the value checked.
const headerParams = Object.values(operations).flatMap((op) =>
  op.params.filter((p) => p.in === 'header').flatMap((p) => [' a', 'a '].map((v) => [op.id, p.name, v, op] as const)),
);
it.each(headerParams)('%s: header %s %j is refused by the client, as fetch would trim it', async (_, name, v, op) => {
  const { sent, error } = await viaClient(op, { ...paramsFor(op, false), [name]: v });
  expect(sent).toEqual([]);
  expect((error as ValidationError).problems).toContainEqual(refusal(name, 'header'));
});
