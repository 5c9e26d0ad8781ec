// The client against servers that redirect, stall, break off or echo credentials back, all
// real servers on 127.0.0.1 that each test starts and stops: every failure is a typed
// error that says what happened, every phase ends within its limit, nothing is retried
// that could do the work twice, and no error carries a credential or a piece of one.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedServer, type Step } from '@hss-export/mock/scripted';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  AbortError,
  ApiError,
  ConfigError,
  ConnectionError,
  type Credentials,
  createHssClient,
  type CredentialProvider,
  type HssClient,
  type HssClientOptions,
  MalformedResponseError,
  RedirectError,
  type RequestOptions,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { DownloadError, downloadExportToFile } from '../src/node/index.js';
import {
  CREATE,
  DOWNLOAD,
  PROJECT,
  rejectionOf,
  SECURITY_TOKEN,
  SEED,
  setup,
  SK,
  TASK,
  TOKEN,
} from './support/clients.js';
import { startHttpsServer, trustingFetch } from './support/https.js';

const AK = 'AKIDEXAMPLE7Q2WX9RT4';
const TOKEN_AUTH: Credentials = { token: TOKEN };
const AKSK_AUTH: Credentials = { accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN };

type Operation = (client: HssClient, options?: RequestOptions) => Promise<unknown>;
const OPERATIONS: [name: string, route: string, call: Operation][] = [
  ['create', CREATE, (c, o) => c.createContainerExportTask(SEED, o)],
  ['status', TASK, (c, o) => c.getExportTask({ task_id: 't1' }, o)],
  ['download', DOWNLOAD, (c, o) => c.downloadExportedFile({ file_id: 'f1' }, o)],
];
const AUTH: [name: string, credentials: Credentials][] = [
  ['a token', TOKEN_AUTH],
  ['AK/SK', AKSK_AUTH],
];

const running = { status: 200, body: { task_id: 't1', task_status: 'running' } };
const ZIP_START = Buffer.from('PK\x03\x04 the first bytes of an archive');
const fileHeaders = (length: number) => ({
  'Content-Type': 'application/octet-stream',
  'Content-Length': String(length),
});

/** Answers with headers and `start`, then nothing; the connection stays open until the server closes. */
const stall =
  (start: string | Buffer, headers: Record<string, string>): Step =>
  (res: ServerResponse) => {
    res.writeHead(200, headers);
    res.write(start);
  };
/** Answers with headers and `start`, less than its Content-Length, then destroys the socket. */
const breakOff =
  (start: string | Buffer, headers: Record<string, string>): Step =>
  (res: ServerResponse) => {
    res.writeHead(200, headers);
    res.write(start, () => res.socket?.destroy());
  };
const STALLED_JSON = stall('{"task_id":"t1",', { 'Content-Type': 'application/json', 'Content-Length': '60' });
const BROKEN_JSON = breakOff('{"task_id":"t1",', { 'Content-Type': 'application/json', 'Content-Length': '60' });

/** A fetch that reports when an answer's headers have arrived. */
function notifyingFetch(onHeaders: () => void): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    onHeaders();
    return response;
  };
}

/** A fresh folder for downloads, removed after the test. */
async function downloadDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hss-hostile-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  while (!(await reader.read()).done) {}
}

describe('redirects are never followed', () => {
  const expectRefused = (error: Error, status: number, origin: string | undefined) => {
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as RedirectError).status).toBe(status);
    expect((error as RedirectError).location).toBe(origin);
    expect(error.message).toContain(`HTTP ${status}`);
    if (origin) expect(error.message).toContain(origin);
    // The path could carry anything: a token, a signed URL.
    expect(JSON.stringify(error)).not.toContain('steal');
    expect(String(error.stack)).not.toContain('steal');
  };

  describe.each(OPERATIONS)('%s', (_, route, call) => {
    describe.each(AUTH)('with %s', (_, credentials) => {
      it.each([307, 308, 302, 301, 303])(
        'HTTP %i to another origin: RedirectError, the target gets nothing',
        async (status) => {
          const target = await startScriptedServer({ '.': [running] });
          onTestFinished(() => target.close());
          const { server, client } = await setup(
            { [route]: [{ status, headers: { Location: `${target.url}/steal/this?token=x` } }] },
            { credentials },
          );
          expectRefused(await rejectionOf(call(client)), status, target.url);
          expect(server.received).toHaveLength(1);
          expect(target.received).toHaveLength(0);
        },
      );

      it('HTTP 307 to the same origin: RedirectError, the other path is never asked for', async () => {
        const { server, client } = await setup(
          { [route]: [{ status: 307, headers: { Location: '/steal/this' } }], steal: [running] },
          { credentials },
        );
        expectRefused(await rejectionOf(call(client)), 307, server.url);
        expect(server.received).toHaveLength(1);
        expect(server.to('steal')).toHaveLength(0);
      });

      it('HTTP 302 from https to plain http: RedirectError, the http server gets nothing', async () => {
        const target = await startScriptedServer({ '.': [running] });
        onTestFinished(() => target.close());
        const origin = await startHttpsServer((res) =>
          res.writeHead(302, { Location: `${target.url}/steal/this` }).end(),
        );
        const client = createHssClient({
          endpoint: origin.url,
          projectId: PROJECT,
          credentials,
          env: {},
          fetch: trustingFetch(),
        });
        expectRefused(await rejectionOf(call(client)), 302, target.url);
        expect(origin.received).toHaveLength(1);
        expect(target.received).toHaveLength(0);
      });

      it('a redirect without Location: RedirectError that names no target', async () => {
        const { server, client } = await setup({ [route]: [{ status: 302 }] }, { credentials });
        const error = await rejectionOf(call(client));
        expectRefused(error, 302, undefined);
        expect(error.message).toContain('Location');
        expect(error.message).not.toContain(server.url);
        expect(server.received).toHaveLength(1);
      });
    });
  });

  it('over https, a call that is not redirected works (the certificate is trusted)', async () => {
    const server = await startHttpsServer((res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(running.body)),
    );
    const client = createHssClient({
      endpoint: server.url,
      projectId: PROJECT,
      credentials: AKSK_AUTH,
      env: {},
      fetch: trustingFetch(),
    });
    await expect(client.getExportTask({ task_id: 't1' })).resolves.toEqual(running.body);
    expect(server.received).toHaveLength(1);
  });

  it('a Location whose host echoes a credential: the error names no credential', async () => {
    const secret = 'sts-host-label-5b7c9e1d3f';
    const { client } = await setup(
      { [TASK]: [{ status: 307, headers: { Location: `https://${secret}.example.net/steal` } }] },
      { credentials: { accessKey: AK, secretKey: SK, securityToken: secret } },
    );
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(JSON.stringify(error)).not.toContain(secret.slice(0, 8));
    expect(String(error.stack)).not.toContain(secret.slice(0, 8));
  });
});

describe('every phase is bounded', () => {
  it('a JSON answer that stalls after its headers: TimeoutError after timeoutMs', async () => {
    const { server, client } = await setup({ [TASK]: [STALLED_JSON] }, { timeoutMs: 200, maxRetries: 0 });
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(200);
    expect(server.received).toHaveLength(1);
  });

  it("the caller's signal stops a stalled JSON body at once: AbortError, no retry", async () => {
    const controller = new AbortController();
    const { server, client } = await setup(
      { [TASK]: [STALLED_JSON, running] },
      // No time limit: only the abort can end this call.
      { timeoutMs: 0, fetch: notifyingFetch(() => controller.abort()) },
    );
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(server.received).toHaveLength(1);
  });

  it('a JSON body that breaks off: ConnectionError, and a GET is retried', async () => {
    const { server, client } = await setup({ [TASK]: [BROKEN_JSON] }, { maxRetries: 1 });
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).status).toBe(200);
    expect(error.message).toContain('broke off');
    expect(server.received).toHaveLength(2);
  });

  it('a create answer that breaks off: ConnectionError, not retried, and it says a task may exist', async () => {
    const { server, client } = await setup({ [CREATE]: [BROKEN_JSON, { status: 200, body: { task_id: 'dup' } }] });
    const error = await rejectionOf(client.createContainerExportTask(SEED));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('It was processed');
    expect(server.to(CREATE)).toHaveLength(1);
  });

  it('a file whose body goes idle: the stream errors with TimeoutError after idleTimeoutMs', async () => {
    const { client } = await setup({ [DOWNLOAD]: [stall(ZIP_START, fileHeaders(1000))] }, { idleTimeoutMs: 200 });
    const { body } = await client.downloadExportedFile({ file_id: 'f1' });
    const error = await rejectionOf(drain(body));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(200);
  });

  it('downloadExportToFile of a body that goes idle: STALLED, and no file or part file is left', async () => {
    const dir = await downloadDir();
    const { client } = await setup({ [DOWNLOAD]: [stall(ZIP_START, fileHeaders(1000))] }, { idleTimeoutMs: 200 });
    const error = await rejectionOf(downloadExportToFile(client, 'f1', join(dir, 'export.zip')));
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('STALLED');
    expect(await readdir(dir)).toEqual([]);
  });

  it('downloadExportToFile of a body that breaks off: TRUNCATED, and no file or part file is left', async () => {
    const dir = await downloadDir();
    const { client } = await setup({ [DOWNLOAD]: [breakOff(ZIP_START, fileHeaders(1000))] });
    const error = await rejectionOf(downloadExportToFile(client, 'f1', join(dir, 'export.zip')));
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('TRUNCATED');
    expect(await readdir(dir)).toEqual([]);
  });

  it("the caller's signal stops a stalled file body at once: AbortError", async () => {
    const controller = new AbortController();
    const { client } = await setup({ [DOWNLOAD]: [stall(ZIP_START, fileHeaders(1000))] }, { idleTimeoutMs: 0 });
    const { body } = await client.downloadExportedFile({ file_id: 'f1' }, { signal: controller.signal });
    const reader = body.getReader();
    expect((await reader.read()).value?.byteLength).toBe(ZIP_START.length);
    const next = reader.read();
    controller.abort();
    expect(await rejectionOf(next)).toBeInstanceOf(AbortError);
  });

  describe('numeric options out of range are refused, and nothing is sent', () => {
    const bad: [keyof RequestOptions & keyof HssClientOptions, number][] = [
      ['timeoutMs', 2 ** 31],
      ['timeoutMs', -1],
      ['timeoutMs', 1.5],
      ['timeoutMs', Number.NaN],
      ['timeoutMs', Number.POSITIVE_INFINITY],
      ['idleTimeoutMs', 2 ** 31],
      ['idleTimeoutMs', -1],
      ['maxRetries', Number.NaN],
      ['maxRetries', -1],
      ['maxRetries', 1.5],
      ['maxRetries', 11],
    ];

    it.each(bad)('%s %d at construction: ConfigError', (name, value) => {
      let sent = 0;
      const construct = () =>
        createHssClient({
          endpoint: 'http://127.0.0.1:9',
          projectId: PROJECT,
          credentials: TOKEN_AUTH,
          env: {},
          fetch: async () => {
            sent++;
            return new Response();
          },
          [name]: value,
        });
      expect(construct).toThrow(ConfigError);
      expect(construct).toThrow(name);
      expect(sent).toBe(0);
    });

    it.each(bad)('%s %d per call: ValidationError', async (name, value) => {
      const { server, client } = await setup({ [TASK]: [running] });
      const error = await rejectionOf(client.getExportTask({ task_id: 't1' }, { [name]: value }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.path)).toEqual([`options.${name}`]);
      expect(server.received).toHaveLength(0);
    });

    it('the largest limits a timer can hold (2**31 - 1 ms) work, and do not fire at once', async () => {
      const most = 2 ** 31 - 1;
      const { server, client } = await setup(
        { [TASK]: [running], [DOWNLOAD]: [{ status: 200, body: ZIP_START, headers: fileHeaders(ZIP_START.length) }] },
        { timeoutMs: most, idleTimeoutMs: most, maxRetries: 10 },
      );
      await expect(client.getExportTask({ task_id: 't1' }, { timeoutMs: most })).resolves.toEqual(running.body);
      const { body } = await client.downloadExportedFile({ file_id: 'f1' }, { idleTimeoutMs: most });
      await drain(body);
      expect(server.received).toHaveLength(2);
    });
  });
});

describe('many calls sharing one AbortSignal', () => {
  const noWarnings = () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    onTestFinished(() => void process.off('warning', listen));
    return warnings;
  };

  it('20 calls in their retry backoff add no listener warning', async () => {
    const warnings = noWarnings();
    const controller = new AbortController();
    let answered = 0;
    const { server, client } = await setup(
      // An hour (capped at 30 s): the calls wait in their backoff until the abort.
      {
        [TASK]: [
          { status: 429, body: { error_code: 'APIGW.0308', error_msg: 'x' }, headers: { 'Retry-After': '3600' } },
        ],
      },
      {
        // Each 429 read whole: the call is on its way into the backoff; once all are,
        // setImmediate runs after the microtasks that take the last one there.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const text = await response.text();
          if (++answered === 20) setImmediate(() => controller.abort());
          return new Response(text, { status: response.status, headers: response.headers });
        },
      },
    );
    const calls = Array.from({ length: 20 }, () =>
      rejectionOf(client.getExportTask({ task_id: 't1' }, { signal: controller.signal })),
    );
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(AbortError);
    expect(server.received).toHaveLength(20);
    expect(warnings.map((w) => w.message)).toEqual([]);
  });

  it('20 downloads to files add no listener warning, and leave no files', async () => {
    const warnings = noWarnings();
    const dir = await downloadDir();
    const controller = new AbortController();
    let streaming = 0;
    const { client } = await setup({ [DOWNLOAD]: [stall(ZIP_START, fileHeaders(1000))] }, { idleTimeoutMs: 0 });
    const downloads = Array.from({ length: 20 }, (_, i) =>
      rejectionOf(
        downloadExportToFile(client, 'f1', join(dir, `export-${i}.zip`), {
          signal: controller.signal,
          // The first chunk is written: this download is in its read loop, listening.
          onProgress: () => {
            if (++streaming === 20) controller.abort();
          },
        }),
      ),
    );
    for (const error of await Promise.all(downloads)) expect(error.name).toBe('AbortError');
    expect(await readdir(dir)).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});

// Secrets as IAM hands them out: tokens are base64 with `/` and `+`, and run to kilobytes.
const IAM_TOKEN = `MIIEhAYJKoZIhvcNAQcCoIIE/dTCCBHECAQExDTAL+BglghkgBZQMEAgEwggLW/BgkqhkiG9w0BBwGg+ggLHBIICw3s/idG9rZW4iOnsi+ZXhwaXJl`;
const LONG_TOKEN = `MIIZ+long/${'QWxhZGRpbjpvcGVuIHNlc2FtZQ/+'.repeat(220)}`;
const SECRET_KEY = 'Zp3/+qL8wN2v/Xr7+Tb5Kc9Jm4Hs1Gd6Ff0Ea/+Q';
const STS_TOKEN = `ggVhcC1zb3V0aGVhc3QtM/+BEGZ7Yk5hbWUiOiJ0ZXN0/IiwiZXhwaXJlc19hdCI6+IjIwMjYtMDEtMzFUMTI6MDA6MDBaIn0=`;
const SLASHED_AKSK: Credentials = { accessKey: AK, secretKey: SECRET_KEY, securityToken: STS_TOKEN };

/** The spellings a server may echo a secret in. */
const SPELLINGS: [name: string, spell: (s: string) => string][] = [
  ['as is', (s) => s],
  ['with \\/ escapes', (s) => s.replaceAll('/', '\\/')],
  ['\\u-escaped whole', (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
  ['with / and + \\u-escaped, mixed case', (s) => s.replaceAll('/', '\\u002F').replaceAll('+', '\\u002b')],
  ['percent-encoded', (s) => encodeURIComponent(s)],
  ['percent-encoded, lower case', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
];

/** Every escape a reader of a log or message would decode, decoded. */
function reveal(text: string): string {
  for (;;) {
    const next = text
      .replace(/\\+u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/\\+\//g, '/')
      .replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    if (next === text) return text;
    text = next;
  }
}

/** Neither `secrets` nor an 8-character start of one, in any spelling, anywhere in the error. */
function expectNoLeak(error: unknown, secrets: readonly string[]) {
  expect(error).toBeInstanceOf(Error);
  const texts: string[] = [];
  for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) {
    texts.push(e.message, JSON.stringify(e), String(e.stack));
  }
  for (const text of texts.map(reveal)) for (const s of secrets) expect(text).not.toContain(s.slice(0, 8));
  // Not vacuous: the echo did arrive, as a redaction.
  expect(texts.join('\n')).toContain('[REDACTED');
}

interface Place {
  /** The route that answers with the echo. */
  route: string;
  step: (echo: string) => Step;
  call: (client: HssClient, dir: string) => Promise<unknown>;
  error: abstract new (...args: never[]) => Error;
}
const getTask = (client: HssClient) => client.getExportTask({ task_id: 't1' }, { maxRetries: 0 });
const json = (status: number, body: string, headers: Record<string, string> = {}): Step => ({
  status,
  body,
  headers: { 'Content-Type': 'application/json', ...headers },
});
const toFile = (client: HssClient, dir: string) => downloadExportToFile(client, 'f1', join(dir, 'export.zip'));
const MAX_ERROR_BYTES = 64 << 10;

const PLACES: Record<string, Place> = {
  'a JSON error body': {
    route: TASK,
    step: (e) =>
      json(
        400,
        `{"error_code":"HSS.${e}","error_msg":"invalid token ${e}","request_id":"${e}","echo":{"${e}":["${e}"]}}`,
      ),
    call: getTask,
    error: ApiError,
  },
  'an error body that is not JSON': {
    route: TASK,
    step: (e) => ({ status: 502, body: `<html>upstream refused X-Auth-Token: ${e}</html>` }),
    call: getTask,
    error: ApiError,
  },
  'the X-Request-Id of an error': {
    route: TASK,
    step: (e) => json(400, '{"error_code":"HSS.0001","error_msg":"bad"}', { 'X-Request-Id': e }),
    call: getTask,
    error: ApiError,
  },
  'the X-Request-Id of a malformed answer': {
    route: TASK,
    step: (e) => json(200, 'not json', { 'X-Request-Id': `req-${e}` }),
    call: getTask,
    error: MalformedResponseError,
  },
  'a 2xx body that is not JSON': {
    route: TASK,
    step: (e) => ({ status: 200, body: `oops ${e}`, headers: { 'Content-Type': 'text/plain' } }),
    call: getTask,
    error: MalformedResponseError,
  },
  'a 2xx JSON value outside the spec': {
    route: TASK,
    step: (e) => json(200, `{"task_id":"t1","task_status":"${e}"}`),
    call: getTask,
    error: MalformedResponseError,
  },
  'a 2xx charset': {
    route: TASK,
    step: (e) => ({ status: 200, body: '{}', headers: { 'Content-Type': `application/json; charset=${e}` } }),
    call: getTask,
    error: MalformedResponseError,
  },
  'a file Content-Encoding': {
    route: DOWNLOAD,
    step: (e) => ({ status: 200, body: ZIP_START, headers: { 'Content-Encoding': e } }),
    call: (client) => client.downloadExportedFile({ file_id: 'f1' }),
    error: MalformedResponseError,
  },
  'a download that is not a zip': {
    route: DOWNLOAD,
    step: (e) => ({ status: 200, body: `{"error_msg":"token ${e} expired"}` }),
    call: toFile,
    error: DownloadError,
  },
};

interface CutPlace extends Omit<Place, 'step'> {
  step: (secret: string, spell: (s: string) => string) => Step;
}
const cutFrom = (place: Place, step: CutPlace['step']): CutPlace => ({ ...place, step });

// Only the start of a secret, or a whole one that a limit cuts off part way.
const CUT_PLACES: Record<string, CutPlace> = {
  'its first 40 characters at the end of a 2xx preview': cutFrom(
    PLACES['a 2xx body that is not JSON']!,
    (s, spell) => ({
      status: 200,
      body: `oops ${spell(s.slice(0, 40))}`,
      headers: { 'Content-Type': 'text/plain' },
    }),
  ),
  'its first 40 characters in an error body': cutFrom(PLACES['a JSON error body']!, (s, spell) =>
    json(400, `{"error_code":"HSS.0001","error_msg":"token ${spell(s.slice(0, 40))}"}`),
  ),
  'its first 40 characters at the end of a non-zip preview': cutFrom(
    PLACES['a download that is not a zip']!,
    (s, spell) => ({ status: 200, body: `token: ${spell(s.slice(0, 40))}` }),
  ),
  'an X-Request-Id cut at 200 characters, 10 into it': cutFrom(PLACES['the X-Request-Id of an error']!, (s, spell) =>
    json(400, '{"error_code":"HSS.0001","error_msg":"bad"}', { 'X-Request-Id': `${'r'.repeat(190)}${spell(s)}` }),
  ),
  'an error body cut at 64 KiB, 20 bytes into it': cutFrom(PLACES['an error body that is not JSON']!, (s, spell) => ({
    status: 500,
    body: `${'x'.repeat(MAX_ERROR_BYTES - 20)}${spell(s)} and more`,
  })),
  'an error message over 1000 characters, cut inside it': cutFrom(PLACES['a JSON error body']!, (s, spell) =>
    json(400, `{"error_code":"HSS.0001","error_msg":"${'m'.repeat(990)}${spell(s)}"}`),
  ),
};

describe('nothing a server echoes leaks a credential', () => {
  const clients: [name: string, credentials: Credentials, secrets: string[]][] = [
    ['a token with / and +', { token: IAM_TOKEN }, [IAM_TOKEN]],
    ['AK/SK with / and +', SLASHED_AKSK, [AK, SECRET_KEY, STS_TOKEN]],
  ];

  describe.each(clients)('%s', (_, credentials, secrets) => {
    describe.each(Object.entries(PLACES))('in %s', (_, place) => {
      it.each(SPELLINGS)('spelt %s', async (_, spell) => {
        const dir = await downloadDir();
        const { client } = await setup({ [place.route]: [place.step(secrets.map(spell).join(' '))] }, { credentials });
        const error = await rejectionOf(place.call(client, dir));
        expect(error).toBeInstanceOf(place.error);
        expectNoLeak(error, secrets);
      });
    });

    describe.each(Object.entries(CUT_PLACES))('%s', (_, place) => {
      it.each(SPELLINGS)('spelt %s', async (_, spell) => {
        const dir = await downloadDir();
        // One secret at a time: the cut must fall inside the one echoed.
        for (const secret of secrets) {
          const { client } = await setup({ [place.route]: [place.step(secret, spell)] }, { credentials });
          const error = await rejectionOf(place.call(client, dir));
          expect(error).toBeInstanceOf(place.error);
          expectNoLeak(error, secrets);
        }
      });
    });
  });

  it('an X-Request-Id is redacted before it is cut to 200 characters, so no start of a secret stays', async () => {
    const { client } = await setup({
      [TASK]: [
        json(400, '{"error_code":"HSS.0001","error_msg":"bad"}', { 'X-Request-Id': `${'r'.repeat(195)}${TOKEN}` }),
      ],
    });
    const error = (await rejectionOf(getTask(client))) as ApiError;
    expect(error.requestId).toBe(`${'r'.repeat(195)}[REDA`);
  });

  it('an error body cut at 64 KiB 5 bytes into a secret loses those 5 bytes too', async () => {
    const { client } = await setup({
      [TASK]: [
        { status: 500, body: `${'x'.repeat(MAX_ERROR_BYTES - 5)}${TOKEN}`, headers: { 'Content-Type': 'text/plain' } },
      ],
    });
    const error = (await rejectionOf(getTask(client))) as ApiError;
    expect(error.body).toBe(`${'x'.repeat(MAX_ERROR_BYTES - 5)}[REDACTED]`);
  });

  it('an IAM token of kilobytes, cut by the 4 KiB a non-zip preview is made from', async () => {
    const dir = await downloadDir();
    const { client } = await setup(
      { [DOWNLOAD]: [{ status: 200, body: `{"error_msg":"token ${LONG_TOKEN} expired"}` }] },
      { credentials: { token: LONG_TOKEN } },
    );
    const error = await rejectionOf(toFile(client, dir));
    expect((error as DownloadError).code).toBe('NOT_A_ZIP');
    expectNoLeak(error, [LONG_TOKEN]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('the shared test credentials echoed in every header and body field', async () => {
    const echo = [TOKEN, SK, SECURITY_TOKEN].join(' ');
    const { client } = await setup(
      {
        [TASK]: [
          json(400, `{"error_code":"${echo}","error_msg":"${echo}"}`, { 'X-Request-Id': echo.replaceAll(' ', '-') }),
        ],
      },
      { credentials: AKSK_AUTH },
    );
    const error = await rejectionOf(getTask(client));
    expectNoLeak(error, [AK, SK, SECURITY_TOKEN]);
    const token = await setup({ [TASK]: [json(400, `{"error_code":"x","error_msg":"${echo}"}`)] });
    expectNoLeak(await rejectionOf(getTask(token.client)), [TOKEN]);
  });
});

describe('refused before anything is sent', () => {
  const BAD = [
    ['a CR', 'tok-SECRET-cr\rX-Evil: 1'],
    ['an LF', 'tok-SECRET-lf\nX-Evil: 1'],
    ['a space', 'tok-SECRET space'],
    ['a non-ASCII character', 'tok-SECRET-naïve'],
  ];
  const FIELDS: [name: string, credentials: (bad: string) => Credentials][] = [
    ['token', (bad) => ({ token: bad })],
    ['accessKey', (bad) => ({ accessKey: bad, secretKey: SK })],
    ['secretKey', (bad) => ({ accessKey: AK, secretKey: bad })],
    ['securityToken', (bad) => ({ accessKey: AK, secretKey: SK, securityToken: bad })],
  ];

  describe.each(BAD)('a credential with %s', (_, bad) => {
    const construct = (options: HssClientOptions, sent: { n: number }) => {
      try {
        createHssClient({
          endpoint: 'http://127.0.0.1:9',
          projectId: PROJECT,
          env: {},
          fetch: async () => {
            sent.n++;
            return new Response();
          },
          ...options,
        });
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a ConfigError');
    };
    const expectSafe = (error: Error) => {
      expect(error).toBeInstanceOf(ConfigError);
      for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
        expect(text).not.toContain(bad);
        expect(text).not.toContain('tok-SECR');
      }
    };

    it.each(FIELDS)('in credentials.%s: ConfigError at construction', (_, credentials) => {
      const sent = { n: 0 };
      expectSafe(construct({ credentials: credentials(bad) }, sent));
      expect(sent.n).toBe(0);
    });

    it.each(['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HSS_EXPORT_TOKEN'])(
      'in %s: ConfigError at construction',
      (name) => {
        const sent = { n: 0 };
        expectSafe(construct({ env: { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, [name]: bad } }, sent));
        expect(sent.n).toBe(0);
      },
    );

    it('from a provider of your own: ConfigError on the call, nothing sent', async () => {
      const provider: CredentialProvider = {
        source: 'a test provider',
        get: async () => ({ kind: 'token', token: bad }),
        invalidate() {},
      };
      const { server, client } = await setup({ [TASK]: [running] }, { credentials: provider });
      expectSafe(await rejectionOf(client.getExportTask({ task_id: 't1' })));
      expect(server.received).toHaveLength(0);
    });
  });

  it.each([
    ['https://user:hunter2-pass@hss.ap-southeast-1.myhuaweicloud.com', 'hunter2-pass'],
    ['https://:hunter2-pass@hss.example.com/base', 'hunter2-pass'],
    ['http://admin:p%40ss-hunter2@127.0.0.1:9', 'ss-hunter2'],
    ['https://hunter2-user@hss.example.com', 'hunter2-user'],
  ])('an endpoint with a user name or password (%s): ConfigError without it', (endpoint, password) => {
    let error: unknown;
    try {
      createHssClient({ endpoint, projectId: PROJECT, credentials: TOKEN_AUTH, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    for (const text of [e.message, JSON.stringify(e), String(e.stack)]) {
      expect(reveal(text)).not.toContain(password);
      expect(text).not.toContain('hunter2');
    }
  });
});
