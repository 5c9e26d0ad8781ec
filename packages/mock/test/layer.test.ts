// The scenario layer against a stand-in for Prism that echoes what it was asked: which
// Prefer header each request gets, how sessions are told apart, kept and evicted, and what
// the layer answers when something is wrong. The real Prism is in mock.test.ts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLayer, type SessionReport } from '../dist/layer.js';
import { freePort } from '../dist/prism.js';

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Answers every request with 200 and a JSON echo of it. */
async function fakePrism(): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo: Echo = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(echo));
    });
  });
  const url = await listen(server);
  servers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return url;
}

async function layer(options: Partial<Parameters<typeof createLayer>[0]> & { prismUrl: string }): Promise<string> {
  const { server, close } = createLayer({
    scenario: 'default',
    ready: Promise.resolve(),
    maxSessions: 1000,
    maxLoggedRequests: 200,
    ...options,
  });
  const url = await listen(server);
  servers.push(close);
  return url;
}

const STATUS = '/v5/p1/export-task/t1';
const CREATE = '/v5/p1/container/export-task';

async function echo(url: string, init?: RequestInit): Promise<Echo> {
  const res = await fetch(url, init);
  expect(res.status).toBe(200);
  return (await res.json()) as Echo;
}

async function session(endpoint: string): Promise<SessionReport> {
  const res = await fetch(`${endpoint}/_mock/session`);
  expect(res.status).toBe(200);
  return (await res.json()) as SessionReport;
}

describe('the scenario layer', () => {
  it('plays a sequence per session: each status call gets the next example, the last repeats', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const endpoint = `${url}/_scenario/running,running,success/s1`;
    const prefers: string[] = [];
    for (let i = 0; i < 4; i++) prefers.push(String((await echo(`${endpoint}${STATUS}`)).headers.prefer));
    expect(prefers).toEqual([
      'code=200, example=running',
      'code=200, example=running',
      'code=200, example=success',
      'code=200, example=success',
    ]);
  });

  it('strips the scenario prefix and its own headers, and passes the rest on unchanged', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const got = await echo(`${url}/_scenario/default/s1${CREATE}?export_size=5`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': 'abc', 'X-Hss-Mock-Session': 'ignored' },
      body: '{"export_headers":[["container_name","C"]]}',
    });
    expect(got.method).toBe('POST');
    expect(got.url).toBe(`${CREATE}?export_size=5`);
    expect(got.body).toBe('{"export_headers":[["container_name","C"]]}');
    expect(got.headers['x-auth-token']).toBe('abc');
    expect(got.headers['x-hss-mock-session']).toBeUndefined();
    expect(got.headers.prefer).toBe('code=200, example=seed');
  });

  it('keeps sessions apart: the same scenario in two sessions, and two scenarios in one session id', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const a = `${url}/_scenario/running,success/a`;
    const b = `${url}/_scenario/running,success/b`;
    const other = `${url}/_scenario/failure/a`;
    expect((await echo(`${a}${STATUS}`)).headers.prefer).toBe('code=200, example=running');
    expect((await echo(`${a}${STATUS}`)).headers.prefer).toBe('code=200, example=success');
    expect((await echo(`${b}${STATUS}`)).headers.prefer).toBe('code=200, example=running');
    expect((await echo(`${other}${STATUS}`)).headers.prefer).toBe('code=200, example=running');
    expect((await echo(`${other}${STATUS}`)).headers.prefer).toBe('code=200, example=failure');
    expect((await session(a)).counts.getExportTask).toBe(2);
    expect((await session(b)).counts.getExportTask).toBe(1);
  });

  it('selects by header when the URL names no scenario, and falls back to the mock’s own scenario', async () => {
    const url = await layer({ prismUrl: await fakePrism(), scenario: 'failure' });
    const byHeader = { 'X-Hss-Mock-Scenario': 'rate-limited', 'X-Hss-Mock-Session': 'h1' };
    expect((await echo(`${url}${CREATE}`, { method: 'POST', headers: byHeader })).headers.prefer).toBe(
      'code=429, example=throttled',
    );
    expect((await echo(`${url}${CREATE}`, { method: 'POST', headers: byHeader })).headers.prefer).toBe(
      'code=200, example=seed',
    );
    expect((await echo(`${url}${STATUS}`)).headers.prefer).toBe('code=200, example=running');
    expect((await echo(`${url}${STATUS}`)).headers.prefer).toBe('code=200, example=failure');
    const log = (await session(url)).requests.map((r) => r.prefer);
    expect(log).toEqual(['code=200, example=running', 'code=200, example=failure']);
  });

  it('leaves a request’s own Prefer header alone, and counts the call all the same', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const endpoint = `${url}/_scenario/running,success/own`;
    expect((await echo(`${endpoint}${STATUS}`, { headers: { Prefer: 'code=404' } })).headers.prefer).toBe('code=404');
    expect((await echo(`${endpoint}${STATUS}`)).headers.prefer).toBe('code=200, example=success');
  });

  it('logs each request with what Prism answered, and counts the tasks created', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const endpoint = `${url}/_scenario/default/log`;
    await echo(`${endpoint}${CREATE}`, { method: 'POST' });
    await echo(`${endpoint}${STATUS}`);
    await echo(`${endpoint}/v5/p1/download/f1`);
    await echo(`${endpoint}/v5/p1/something-else`);
    const report = await session(endpoint);
    expect(report).toMatchObject({
      scenario: 'default',
      session: 'log',
      counts: { createContainerExportTask: 1, getExportTask: 1, downloadExportedFile: 1 },
      tasksCreated: 1,
      dropped: 0,
    });
    expect(report.requests.map((r) => [r.method, r.path, r.operation, r.status])).toEqual([
      ['POST', CREATE, 'createContainerExportTask', 200],
      ['GET', STATUS, 'getExportTask', 200],
      ['GET', '/v5/p1/download/f1', 'downloadExportedFile', 200],
      ['GET', '/v5/p1/something-else', null, 200],
    ]);
    // DELETE forgets the session, so the id can start over.
    expect((await fetch(`${endpoint}/_mock/session`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${endpoint}/_mock/session`)).status).toBe(404);
  });

  it('keeps at most maxSessions sessions, forgetting the least recently used one', async () => {
    const url = await layer({ prismUrl: await fakePrism(), maxSessions: 2 });
    const s = (id: string) => `${url}/_scenario/default/${id}`;
    await echo(`${s('one')}${STATUS}`);
    await echo(`${s('two')}${STATUS}`);
    await echo(`${s('one')}${STATUS}`); // one is now the most recently used
    await echo(`${s('three')}${STATUS}`); // evicts two
    expect((await session(s('one'))).counts.getExportTask).toBe(2);
    expect((await session(s('three'))).counts.getExportTask).toBe(1);
    const gone = await fetch(`${s('two')}/_mock/session`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error_msg: string }).error_msg).toMatch(
      /evicted: the mock keeps the 2 most recently used sessions/,
    );
  });

  it('keeps at most maxLoggedRequests log entries per session, and says how many it dropped', async () => {
    const url = await layer({ prismUrl: await fakePrism(), maxLoggedRequests: 3 });
    const endpoint = `${url}/_scenario/default/capped`;
    for (let i = 0; i < 5; i++) await echo(`${endpoint}${STATUS}`);
    const report = await session(endpoint);
    expect(report.requests).toHaveLength(3);
    expect(report.dropped).toBe(2);
    expect(report.counts.getExportTask).toBe(5);
  });

  it('refuses an unknown scenario, a malformed prefix or session id, each saying what to send instead', async () => {
    const url = await layer({ prismUrl: await fakePrism() });
    const cases: Array<[string, number, string, RegExp]> = [
      [
        `/_scenario/bogus/s1${STATUS}`,
        400,
        'HSS_MOCK.UNKNOWN_SCENARIO',
        /unknown scenario "bogus": use one of default, failure, rate-limited/,
      ],
      [`/_scenario/running,maybe/s1${STATUS}`, 400, 'HSS_MOCK.UNKNOWN_SCENARIO', /comma list of task statuses/],
      ['/_scenario/failure', 400, 'HSS_MOCK.BAD_SCENARIO_PATH', /\/_scenario\/<name>\/<session>\/v5/],
      [`/_scenario/failure/bad%20id${STATUS}`, 400, 'HSS_MOCK.BAD_SESSION', /letters, digits or \. _ ~ -/],
      ['/_mock/nothing', 404, 'HSS_MOCK.UNKNOWN_CONTROL', /GET \/_mock\/health/],
    ];
    for (const [path, status, code, message] of cases) {
      const res = await fetch(`${url}${path}`);
      const body = (await res.json()) as { error_code: string; error_msg: string };
      expect([path, res.status, body.error_code]).toEqual([path, status, code]);
      expect(body.error_msg).toMatch(message);
    }
  });

  it('answers the health and scenario list control endpoints', async () => {
    const url = await layer({ prismUrl: await fakePrism(), scenario: 'unauthorized' });
    expect(await (await fetch(`${url}/_mock/health`)).json()).toEqual({ status: 'ready', scenario: 'unauthorized' });
    const list = (await (await fetch(`${url}/_mock/scenarios`)).json()) as {
      default: string;
      scenarios: Array<{ name: string }>;
    };
    expect(list.default).toBe('unauthorized');
    expect(list.scenarios.map((s) => s.name)).toEqual([
      'default',
      'failure',
      'rate-limited',
      'server-error',
      'unauthorized',
      'token-expired',
    ]);
  });

  it('holds requests until the engine is ready, then answers them', async () => {
    let ready!: () => void;
    const { server, close } = createLayer({
      prismUrl: await fakePrism(),
      scenario: 'default',
      ready: new Promise<void>((resolve) => (ready = resolve)),
      maxSessions: 10,
      maxLoggedRequests: 10,
    });
    const url = await listen(server);
    servers.push(close);
    const arrived = new Promise<void>((resolve) => server.once('request', () => resolve()));
    let answered = false;
    const pending = fetch(`${url}${STATUS}`).then((res) => {
      answered = true;
      return res.status;
    });
    await arrived;
    // One more turn of the event loop would be enough for a request that is not held.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    ready();
    expect(await pending).toBe(200);
  });

  it('answers 503 with the reason when the engine failed to start, and 502 when it stops answering', async () => {
    const failed = Promise.reject(new Error('Prism exited before it was ready'));
    failed.catch(() => {});
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const notStarted = await layer({ prismUrl: nobody, ready: failed });
    const res = await fetch(`${notStarted}${STATUS}`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error_msg: string }).error_msg).toMatch(
      /did not start: Prism exited before it was ready/,
    );

    const gone = await layer({ prismUrl: nobody });
    const res2 = await fetch(`${gone}${STATUS}`);
    expect(res2.status).toBe(502);
    expect(((await res2.json()) as { error_msg: string }).error_msg).toMatch(/did not answer .*restart the mock/);
  });
});
