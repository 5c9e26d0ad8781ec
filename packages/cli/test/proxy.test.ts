// HTTPS_PROXY, HTTP_PROXY and NO_PROXY: the built CLI against a recording forward proxy in
// front of a test API, all on 127.0.0.1. The https API has a certificate made here
// (selfsigned) and trusted by the CLI through NODE_EXTRA_CA_CERTS, so TLS is verified as for
// the real endpoint. "Went through the proxy" is checked at the API: each request must
// arrive on a connection the proxy opened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, PROJECT, runCli, SECRET_ENV, tempDir, type CliResult } from './support/run-cli.js';
import {
  closedPort,
  makeCertificate,
  startApi,
  startProxy,
  type ApiServer,
  type Certificate,
  type ProxyServer,
} from './support/proxy-servers.js';
import { CREATE, created, DOWNLOAD, EMPTY_ZIP, succeeded, TASK, zipFile } from './support/scripted-server.js';

// Distinctive, so that finding any part of them in the output can only mean a leak. The
// password needs %-encoding in a URL, so both spellings are checked.
const PROXY_USER = 'proxyuser-LEAKCHECK-3a9f';
const PROXY_PASSWORD = 'pp-SECRET-b71e/4c@9';
const WRONG_PASSWORD = 'pp-SECRET-wrong-0d4e';
const proxyUrl = (port: number, password = PROXY_PASSWORD) =>
  `http://${PROXY_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
const basic = (password: string) => Buffer.from(`${PROXY_USER}:${password}`).toString('base64');

function expectNoProxyCredentials(r: CliResult) {
  for (const [name, text] of [
    ['stdout', r.stdout],
    ['stderr', r.stderr],
  ] as const) {
    expect(text, `the proxy user was printed on ${name}`).not.toContain(PROXY_USER);
    // Every test password starts so, %-encoded or not.
    expect(text, `a proxy password was printed on ${name}`).not.toContain('pp-SECRET');
    for (const password of [PROXY_PASSWORD, WRONG_PASSWORD])
      expect(text, `Proxy-Authorization was printed on ${name}`).not.toContain(basic(password));
  }
}

const FLOW = { [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] };
const FLOW_REQUESTS = [
  `POST /v5/${PROJECT}/container/export-task`,
  `GET /v5/${PROJECT}/export-task/task-1`,
  `GET /v5/${PROJECT}/download/file-1`,
];
const requestsOf = (api: ApiServer) => api.received.map((r) => `${r.method} ${r.url.split('?')[0]}`);
const viaProxy = (api: ApiServer, proxy: ProxyServer) =>
  api.received.map((r) => [...proxy.upstreamPorts].includes(r.remotePort));

// Stopped after every test, failed or not, last started first.
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function api(tls?: Certificate) {
  const server = await startApi(FLOW, tls);
  stops.push(server.close);
  return server;
}

async function proxy(credentials?: { user: string; password: string }) {
  const server = await startProxy(credentials);
  stops.push(server.close);
  return server;
}

async function containers(endpoint: string, env: Record<string, string>, ...args: string[]) {
  const out = join(tempDir(), 'out.zip');
  // 1s: the client's floor for any endpoint but plain http to loopback; the first poll
  // answers success, so it costs no time.
  const r = await runCli(['containers', '--endpoint', endpoint, '--poll-interval', '1s', '--out', out, ...args], {
    env: { ...SECRET_ENV, ...env },
  });
  return { r, out };
}

describe('an https endpoint behind a CONNECT proxy', () => {
  let cert: Certificate;
  beforeAll(() => {
    cert = makeCertificate();
  });
  afterAll(() => cert?.remove());
  const trust = () => ({ NODE_EXTRA_CA_CERTS: cert.certPath });

  // HTTP_PROXY alone: undici also sends https through it when HTTPS_PROXY is unset.
  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY'])(
    '%s: create, status and download all go through the proxy',
    async (variable) => {
      const server = await api(cert);
      const forward = await proxy();
      const { r, out } = await containers(
        server.url,
        { ...trust(), [variable]: `http://127.0.0.1:${forward.port}` },
        '--debug',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(out)).toEqual(EMPTY_ZIP);
      expect(requestsOf(server)).toEqual(FLOW_REQUESTS);
      expect(viaProxy(server, forward)).toEqual([true, true, true]);
      expect(forward.connects.length).toBeGreaterThan(0);
      for (const c of forward.connects) expect(c.target).toBe(`127.0.0.1:${server.port}`);
      expect(r.stderr).toContain(
        `debug: using proxy http://127.0.0.1:${forward.port} from ${variable} for ${server.url}`,
      );
    },
  );

  it('NO_PROXY=127.0.0.1: straight to the API, the proxy is not used', async () => {
    const server = await api(cert);
    const forward = await proxy();
    const { r } = await containers(
      server.url,
      { ...trust(), HTTPS_PROXY: `http://127.0.0.1:${forward.port}`, NO_PROXY: '127.0.0.1' },
      '--debug',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(requestsOf(server)).toEqual(FLOW_REQUESTS);
    expect(viaProxy(server, forward)).toEqual([false, false, false]);
    expect(forward.connects).toEqual([]);
    expect(forward.requests).toEqual([]);
    expect(r.stderr).toContain(`debug: no proxy for ${server.url}: NO_PROXY ("127.0.0.1") excludes it`);
  });

  describe('proxy credentials in the URL', () => {
    const credentials = { user: PROXY_USER, password: PROXY_PASSWORD };

    it('are sent as Proxy-Authorization and never printed, with --debug and --json', async () => {
      const server = await api(cert);
      const forward = await proxy(credentials);
      const { r, out } = await containers(
        server.url,
        { ...trust(), HTTPS_PROXY: proxyUrl(forward.port) },
        '--debug',
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOf(r)).toMatchObject({ path: out, error: null });
      expect(viaProxy(server, forward)).toEqual([true, true, true]);
      expect(forward.connects.length).toBeGreaterThan(0);
      for (const c of forward.connects) expect(c.authorization).toBe(`Basic ${basic(PROXY_PASSWORD)}`);
      expect(r.stderr).toContain(
        `debug: using proxy http://127.0.0.1:${forward.port} from HTTPS_PROXY for ${server.url}, with the credentials from its URL (not shown)`,
      );
      expectNoProxyCredentials(r);
    });

    it('refused with 407: exit 3 naming the proxy, nothing reached the API, credentials not printed', async () => {
      const server = await api(cert);
      const forward = await proxy(credentials);
      const { r } = await containers(
        server.url,
        { ...trust(), HTTPS_PROXY: proxyUrl(forward.port, WRONG_PASSWORD) },
        '--debug',
        '--json',
      );
      expect(r.code, r.stderr).toBe(3);
      expect(server.received).toEqual([]);
      // The create POST is not retried: its failure is not one the client knows was harmless.
      expect(forward.connects).toEqual([
        { target: `127.0.0.1:${server.port}`, authorization: `Basic ${basic(WRONG_PASSWORD)}` },
      ]);
      expect(r.stderr).toContain(
        `hss-export: createContainerExportTask could not reach ${server.url}: fetch failed: the proxy answered HTTP 407 (Proxy Authentication Required)`,
      );
      expect(r.stderr).toContain(
        `Nothing reached the API: the proxy http://127.0.0.1:${forward.port} (from HTTPS_PROXY) wants credentials it did not get or accept.`,
      );
      expect(r.stderr).not.toContain('may have been created anyway');
      expect(jsonOf(r)).toMatchObject({
        task_id: null,
        error: { exit_code: 3, type: 'ConnectionError', message: expect.stringContaining('HTTP 407') },
      });
      expectNoProxyCredentials(r);
    });

    it('the proxy is down: exit 3 naming the proxy, credentials not printed', async () => {
      const server = await api(cert);
      const port = await closedPort();
      const { r } = await containers(server.url, { ...trust(), HTTPS_PROXY: proxyUrl(port) }, '--debug', '--json');
      expect(r.code, r.stderr).toBe(3);
      expect(server.received).toEqual([]);
      expect(r.stderr).toContain(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port} (ECONNREFUSED)`);
      expect(r.stderr).toContain(`The request went through the proxy http://127.0.0.1:${port} (from HTTPS_PROXY)`);
      expect(jsonOf(r)).toMatchObject({
        error: { exit_code: 3, type: 'ConnectionError', message: expect.stringContaining('ECONNREFUSED') },
      });
      expectNoProxyCredentials(r);
    });
  });
});

describe('proxy variables, plain http', () => {
  it('HTTP_PROXY with an http://127.0.0.1 endpoint: absolute-form requests, no tunnel', async () => {
    const server = await api();
    const forward = await proxy();
    const { r, out } = await containers(server.url, { HTTP_PROXY: `http://127.0.0.1:${forward.port}` });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out)).toEqual(EMPTY_ZIP);
    expect(forward.connects).toEqual([]);
    expect(forward.requests.map((q) => `${q.method} ${q.url.split('?')[0]}`)).toEqual(
      FLOW_REQUESTS.map((line) => line.replace(' /', ` ${server.url}/`)),
    );
    expect(viaProxy(server, forward)).toEqual([true, true, true]);
  });

  it('HTTP_PROXY with credentials: sent on absolute-form requests; a wrong password gets 407, nothing printed', async () => {
    const server = await api();
    const forward = await proxy({ user: PROXY_USER, password: PROXY_PASSWORD });
    const right = await containers(server.url, { HTTP_PROXY: proxyUrl(forward.port) }, '--debug', '--json');
    expect(right.r.code, right.r.stderr).toBe(0);
    expect(forward.requests.map((q) => q.authorization)).toEqual(Array(3).fill(`Basic ${basic(PROXY_PASSWORD)}`));
    expectNoProxyCredentials(right.r);

    const { r } = await containers(
      server.url,
      { HTTP_PROXY: proxyUrl(forward.port, WRONG_PASSWORD) },
      '--debug',
      '--json',
    );
    expect(r.code, r.stderr).toBe(3);
    expect(server.received).toHaveLength(3);
    expect(r.stderr).toContain('fetch failed: the proxy answered HTTP 407 (Proxy Authentication Required)');
    expect(r.stderr).toContain(
      `Nothing reached the API: the proxy http://127.0.0.1:${forward.port} (from HTTP_PROXY) wants credentials`,
    );
    expectNoProxyCredentials(r);
  });

  it.each([
    ['HTTPS_PROXY', `http://${PROXY_USER}:pp-SECRET-1@127.0.0.1:99999`, 'not a URL', 'http://***@127.0.0.1:99999'],
    ['https_proxy', `socks5://${PROXY_USER}:pp-SECRET-2@127.0.0.1:1080`, 'the scheme is socks5', 'socks5://***@'],
    ['HTTP_PROXY', `http://${PROXY_USER}:pp-SECRET-%zz@127.0.0.1:8080`, 'broken %-escape', 'http://***@'],
    ['http_proxy', `${PROXY_USER}:pp-SECRET-3 @ bad host`, 'not a URL', '"***@ bad host"'],
  ])(
    'a malformed %s: exit 2 naming it, before anything is sent, userinfo hidden',
    async (variable, value, why, shown) => {
      const server = await api();
      const { r } = await containers(server.url, { [variable]: value }, '--json', '--debug');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`hss-export: ${variable} is not a usable proxy URL (`);
      expect(r.stderr).toContain(why);
      expect(r.stderr).toContain(shown);
      expect(jsonOf(r)).toMatchObject({ error: { exit_code: 2, type: 'UsageError' } });
      expect(server.received).toEqual([]);
      expectNoProxyCredentials(r);
    },
  );

  it('--mock never goes through a proxy', async () => {
    const forward = await proxy();
    const target = `http://127.0.0.1:${forward.port}`;
    const out = join(tempDir(), 'mock.zip');
    const r = await runCli(['containers', '--mock', '--out', out], {
      env: { HTTPS_PROXY: target, HTTP_PROXY: target },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(forward.connects).toEqual([]);
    expect(forward.requests).toEqual([]);
  });
});
