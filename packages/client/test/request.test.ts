// The request path (src/request.ts): retries, timeouts, cancellation and auth, against a
// real local server that records exactly how many requests arrived.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { authorization } from '../src/auth/signer.js';
import type { ServerResponse } from 'node:http';
import type { Received } from '@hss-export/mock/scripted';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  createHssClient,
} from '../src/index.js';
import { CREATE, PROJECT, rejectionOf, SEED, setup, SK, SECURITY_TOKEN, TASK, TOKEN } from './support/clients.js';

const running = { status: 200, body: { task_id: 't1', task_status: 'running' } };
const fast = {
  status: 429,
  body: { error_code: 'APIGW.0308', error_msg: 'throttled' },
  headers: { 'Retry-After': '0' },
};

const HOUR = 3_600_000;

/** Takes the request and never answers (the server's close ends the connection). */
const silent = () => {};

/** X-Sdk-Date (20260131T120000Z) in ms since the epoch. */
const sdkDateMs = (value: string) =>
  Date.parse(value.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));

/**
 * An API gateway whose clock runs `leadMs` ahead of ours: like Huawei's, it refuses with 401
 * APIGW.0301 a request whose X-Sdk-Date is more than 15 minutes from its own time, and says
 * its time in the Date header of every answer.
 */
function skewedGateway(leadMs: number) {
  const gatewayNow = () => Date.now() + leadMs;
  const lagOf = (r: Received) => gatewayNow() - sdkDateMs(String(r.headers['x-sdk-date']));
  const refuse = (res: ServerResponse) =>
    res
      .writeHead(401, { 'Content-Type': 'application/json', Date: new Date(gatewayNow()).toUTCString() })
      .end(JSON.stringify({ error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' }));
  return {
    lagOf,
    refuseAll: refuse,
    answer: (body: unknown) => (res: ServerResponse, r: Received) => {
      if (Math.abs(lagOf(r)) > 15 * 60_000) return refuse(res);
      res.writeHead(200, { 'Content-Type': 'application/json', Date: new Date(gatewayNow()).toUTCString() });
      res.end(JSON.stringify(body));
    },
  };
}

describe('retries', () => {
  it('GET retries 429 -> 503 -> 200 and returns the answer', async () => {
    const { server, client } = await setup({
      [TASK]: [
        fast,
        { status: 503, body: { error_code: 'APIGW.0613', error_msg: 'unavailable' }, headers: { 'Retry-After': '0' } },
        running,
      ],
    });
    await expect(client.getExportTask({ task_id: 't1' })).resolves.toMatchObject({ task_status: 'running' });
    expect(server.to('/export-task/t1')).toHaveLength(3);
  });

  it('GET gives up after maxRetries and throws the last error', async () => {
    const { server, client } = await setup(
      { [TASK]: [{ status: 502, body: {}, headers: { 'Retry-After': '0' } }] },
      { maxRetries: 1 },
    );
    expect(await rejectionOf(client.getExportTask({ task_id: 't1' }))).toBeInstanceOf(ServerError);
    expect(server.received).toHaveLength(2);
  });

  it('create is retried after a 429 (throttled before processing): exactly one task is created', async () => {
    const { server, client } = await setup({ [CREATE]: [fast, { status: 200, body: { task_id: 'new' } }] });
    await expect(client.createContainerExportTask(SEED)).resolves.toEqual({ task_id: 'new' });
    expect(server.to('/container/export-task')).toHaveLength(2);
  });

  it.each([500, 502, 503, 504])('create is NOT retried after %i: it may have created a task', async (status) => {
    const { server, client } = await setup({
      [CREATE]: [
        { status, body: { error_code: 'X', error_msg: 'y' }, headers: { 'Retry-After': '0' } },
        { status: 200, body: { task_id: 'dup' } },
      ],
    });
    expect(await rejectionOf(client.createContainerExportTask(SEED))).toMatchObject({ status });
    expect(server.to('/container/export-task')).toHaveLength(1);
  });

  it('create is NOT retried when the connection drops after the request was sent', async () => {
    const { server, client } = await setup({ [CREATE]: [{ reset: true }, { status: 200, body: { task_id: 'dup' } }] });
    const error = await rejectionOf(client.createContainerExportTask(SEED));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(server.to('/container/export-task')).toHaveLength(1);
  });

  it('GET is retried when the connection drops', async () => {
    const { server, client } = await setup({ [TASK]: [{ reset: true }, running] });
    await expect(client.getExportTask({ task_id: 't1' })).resolves.toMatchObject({ task_id: 't1' });
    expect(server.received).toHaveLength(2);
  });

  it('create is retried when the connection is refused (nothing was sent)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    let attempts = 0;
    const client = createHssClient({
      endpoint: `http://127.0.0.1:${port}`,
      projectId: PROJECT,
      credentials: { token: TOKEN },
      env: {},
      maxRetries: 2,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const error = await rejectionOf(client.createContainerExportTask(SEED));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    expect(attempts).toBe(3);
  });

  it('honours Retry-After in seconds', async () => {
    const { server, client } = await setup({ [TASK]: [{ ...fast, headers: { 'Retry-After': '1' } }, running] });
    const started = Date.now();
    await client.getExportTask({ task_id: 't1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.received).toHaveLength(2);
  });

  it('maxRetries 0 per call turns retries off', async () => {
    const { server, client } = await setup({ [TASK]: [fast, running] });
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(0);
    expect(server.received).toHaveLength(1);
  });
});

describe('timeouts and cancellation', () => {
  it('a GET that gets no answer in time throws TimeoutError after its retries', async () => {
    const { server, client } = await setup({ [TASK]: [silent] }, { timeoutMs: 100, maxRetries: 1 });
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(server.received).toHaveLength(2);
  });

  it('a create that times out is not retried (the task may exist)', async () => {
    const { server, client } = await setup({ [CREATE]: [silent, { status: 200, body: { task_id: 'dup' } }] });
    const error = await rejectionOf(client.createContainerExportTask(SEED, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.to(CREATE)).toHaveLength(1);
  });

  it("the caller's AbortSignal stops the call with AbortError and no retry", async () => {
    const controller = new AbortController();
    // Aborted once the request has arrived, while the server keeps it waiting.
    const { server, client } = await setup({ [TASK]: [() => controller.abort(), running] });
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(server.received).toHaveLength(1);
  });

  it('an abort during the backoff sleep stops it too', { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    // Retry-After asks for an hour (capped at 30 s): only the abort can end this test in time.
    const { server, client } = await setup(
      { [TASK]: [{ ...fast, headers: { 'Retry-After': '3600' } }, running] },
      {
        // The 429 has been read whole, so the client is in (or about to enter) its backoff:
        // setImmediate runs after the microtasks that get it there.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const text = await response.text();
          setImmediate(() => controller.abort());
          return new Response(text, { status: response.status, headers: response.headers });
        },
      },
    );
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(server.received).toHaveLength(1);
  });
});

describe('auth', () => {
  it('token auth sends X-Auth-Token and no Authorization', async () => {
    const { server, client } = await setup({ [TASK]: [running] });
    await client.getExportTask({ task_id: 't1' });
    expect(server.received[0]!.headers['x-auth-token']).toBe(TOKEN);
    expect(server.received[0]!.headers.authorization).toBeUndefined();
  });

  it('AK/SK: the server can verify the signature over exactly what it received', async () => {
    const { server, client } = await setup(
      { [CREATE]: [fast, { status: 200, body: { task_id: 'signed' } }] },
      { credentials: { accessKey: 'AK-1', secretKey: SK, securityToken: SECURITY_TOKEN } },
    );
    await client.createContainerExportTask({
      ...SEED,
      container_name: 'nginx 1',
      enterprise_project_id: 'all granted',
      export_size: 5,
    });
    expect(server.received).toHaveLength(2);
    for (const r of server.received) {
      const given = r.headers.authorization as string;
      const names = /SignedHeaders=([^,]+)/.exec(given)![1]!.split(';');
      expect(names).toEqual(
        expect.arrayContaining(['host', 'x-sdk-date', 'x-project-id', 'x-security-token', 'content-type']),
      );
      const headers = Object.fromEntries(names.map((n) => [n, String(r.headers[n])]));
      const expected = await authorization(
        { method: r.method, url: `${server.url}${r.url}`, headers, body: r.body },
        { accessKey: 'AK-1', secretKey: SK },
      );
      expect(given).toBe(expected);
      expect(r.headers['x-project-id']).toBe(PROJECT);
      expect(r.headers['x-security-token']).toBe(SECURITY_TOKEN);
      expect(r.headers['x-auth-token']).toBeUndefined();
    }
  });

  it('AK/SK: a tampered body no longer matches the signature', async () => {
    const { server, client } = await setup(
      { [CREATE]: [{ status: 200, body: { task_id: 'x' } }] },
      { credentials: { accessKey: 'AK-1', secretKey: SK } },
    );
    await client.createContainerExportTask(SEED);
    const r = server.received[0]!;
    const names = /SignedHeaders=([^,]+)/.exec(r.headers.authorization as string)![1]!.split(';');
    const headers = Object.fromEntries(names.map((n) => [n, String(r.headers[n])]));
    const forged = await authorization(
      {
        method: r.method,
        url: `${server.url}${r.url}`,
        headers,
        body: r.body.replace('Container Name', 'Container name'),
      },
      { accessKey: 'AK-1', secretKey: SK },
    );
    expect(forged).not.toBe(r.headers.authorization);
  });

  it("AK/SK with a clock an hour behind the gateway: refused once, re-signed with the gateway's time, remembered", async () => {
    const gateway = skewedGateway(HOUR);
    const { server, client } = await setup(
      { [CREATE]: [gateway.answer({ task_id: 'on-time' })], [TASK]: [gateway.answer(running.body)] },
      { credentials: { accessKey: 'AK-1', secretKey: SK }, maxRetries: 0 },
    );
    await expect(client.createContainerExportTask(SEED)).resolves.toMatchObject({ task_id: 'on-time' });
    const [refusedCreate, resent] = server.to(CREATE).map(gateway.lagOf);
    expect(refusedCreate).toBeGreaterThan(HOUR - 60_000);
    expect(Math.abs(resent!)).toBeLessThan(60_000);
    await client.getExportTask({ task_id: 't1' });
    expect(server.to(TASK)).toHaveLength(1);
    expect(Math.abs(gateway.lagOf(server.to(TASK)[0]!))).toBeLessThan(60_000);
  });

  it('AK/SK: a refused signature is resent only once per call, and only for a clock outside the window', async () => {
    const far = skewedGateway(HOUR);
    const { server, client } = await setup(
      { [CREATE]: [far.refuseAll] },
      { credentials: { accessKey: 'AK-1', secretKey: SK }, maxRetries: 0 },
    );
    expect(await rejectionOf(client.createContainerExportTask(SEED))).toBeInstanceOf(AuthenticationError);
    expect(server.to(CREATE)).toHaveLength(2);

    // The gateway agrees with our clock: the key is wrong, and resending would not help.
    const near = skewedGateway(0);
    const second = await setup({ [CREATE]: [near.refuseAll] }, { credentials: { accessKey: 'AK-1', secretKey: SK } });
    expect(await rejectionOf(second.client.createContainerExportTask(SEED))).toBeInstanceOf(AuthenticationError);
    expect(second.server.to(CREATE)).toHaveLength(1);

    // Token auth signs nothing, so a skewed Date means nothing.
    const token = await setup({ [CREATE]: [far.refuseAll] });
    expect(await rejectionOf(token.client.createContainerExportTask(SEED))).toBeInstanceOf(AuthenticationError);
    expect(token.server.to(CREATE)).toHaveLength(1);
  });

  it("sends the SDK User-Agent with the caller's suffix", async () => {
    const { server, client } = await setup({ [TASK]: [running] }, { userAgent: 'inventory-job/2' });
    await client.getExportTask({ task_id: 't1' });
    expect(server.received[0]!.headers['user-agent']).toMatch(/^hss-export-client\/\S+ inventory-job\/2$/);
  });
});
