// Every operation of the spec, through the client's generated method, against a real Prism
// serving the same spec: with only the required parameters and with all of them, with a
// token and with AK/SK, and every documented error status decoding into its typed error.
// Nothing here names an operation: a new one in the spec is tested with no edit.
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  type BinaryResponse,
  createHssClient,
  type Credentials,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '@hss-export/client';
import { operationDocs, operations } from '@hss-export/client/spec';
import { describe, expect, inject, it } from 'vitest';
import { paramsFor } from './support/values.js';

const CREDENTIALS: Record<string, Credentials> = {
  token: { token: 'contract-token' },
  'AK/SK': { accessKey: 'contract-ak', secretKey: 'contract-sk', securityToken: 'contract-st' },
};
const ERROR_CLASS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
  500: ServerError,
};

/** A client on this run's Prism whose fetch records Prism's verdict and can ask it for a status. */
function client(credentials: Credentials, prefer?: string) {
  const violations: string[] = [];
  const hss = createHssClient({
    endpoint: inject('prismUrl'),
    projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    region: 'ap-southeast-1',
    credentials,
    maxRetries: 0,
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      if (prefer) headers.set('Prefer', prefer);
      const response = await fetch(url, { ...init, headers });
      const found = response.headers.get('sl-violations');
      if (found) violations.push(found);
      return response;
    },
  });
  const call = (id: string, params: object) =>
    (hss[id as keyof typeof hss] as unknown as (p: object) => Promise<unknown>)(params);
  return { call, violations };
}

async function consume(answer: unknown) {
  const file = answer as BinaryResponse;
  if (!(file?.body instanceof ReadableStream)) return answer;
  return new Uint8Array(await new Response(file.body).arrayBuffer());
}

describe.each(Object.entries(CREDENTIALS))('with %s', (_, credentials) => {
  describe.each(Object.values(operations))('$id', (op) => {
    it.each([
      ['only the required parameters', false],
      ['every parameter and body field', true],
    ])('with %s: Prism accepts it with no sl-violations and the answer matches the spec', async (_, full) => {
      const { call, violations } = client(credentials);
      const answer = await consume(await call(op.id, paramsFor(op, full as boolean)));
      expect(violations).toEqual([]);
      expect(answer).toBeDefined();
    });

    it.each(operationDocs[op.id]!.errors)('documented HTTP %i decodes into its typed error', async (status) => {
      const { call } = client(credentials, `code=${status}`);
      const error = await call(op.id, paramsFor(op, false)).then(
        () => {
          throw new Error(`expected HTTP ${status} to reject`);
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ERROR_CLASS[status] ?? ApiError);
      expect(error).toMatchObject({ status, operation: op.id, errorCode: expect.stringMatching(/^(HSS|APIGW)\./) });
    });
  });
});

it('covers every operation of the spec', () => {
  expect(Object.keys(operations).length).toBeGreaterThanOrEqual(3);
  for (const id of Object.keys(operations)) expect(operationDocs[id]).toBeDefined();
});
