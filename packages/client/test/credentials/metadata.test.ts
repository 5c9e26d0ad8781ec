import { createServer } from 'node:net';
import type { ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { AbortError, ConfigError } from '../../src/errors.js';
import type { LinkHit } from '../../src/credentials/chain.js';
import { CredentialSourceError } from '../../src/credentials/errors.js';
import { metadataClient, metadataLink, testMetadataUrl } from '../../src/credentials/metadata.js';
import type { AkSkCredential, ChainContext } from '../../src/credentials/types.js';
import {
  AK,
  failureOf,
  json,
  KEY_ROUTE,
  manualClock,
  METADATA_TOKEN,
  never,
  SECURITY_TOKEN,
  securityKey,
  server,
  SK,
  TOKEN_ROUTE,
  thrownBy,
} from './support.js';

const HOUR = 3_600_000;
const AGENCY_BODY = { error: { message: 'Please configure Cloud Service Agency first', code: 401 } };

const issueToken =
  (value = METADATA_TOKEN) =>
  (res: ServerResponse) =>
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(value);
const keyAnswer =
  (expiresAt: number, n = 0) =>
  (res: ServerResponse) =>
    json(res, 200, securityKey(expiresAt, n));

const ctx = (extra: Partial<ChainContext> = {}): ChainContext => ({ env: {}, fetch: globalThis.fetch, ...extra });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('instance metadata client', () => {
  it('asks for a session token (TTL 21600 s), then the security key with that token', async () => {
    const clock = manualClock();
    const expiresAt = clock.now() + HOUR;
    const s = await server({ [TOKEN_ROUTE]: [issueToken()], [KEY_ROUTE]: [keyAnswer(expiresAt)] });
    const credential = await metadataClient({ baseUrl: s.url, now: clock.now }).securityKey();
    expect(credential).toEqual({
      kind: 'aksk',
      accessKey: AK,
      secretKey: SK,
      securityToken: SECURITY_TOKEN,
      expiresAt,
    });
    const [put, get] = s.received;
    expect(put).toMatchObject({ method: 'PUT', url: '/meta-data/latest/api/token' });
    expect(put!.headers['x-metadata-token-ttl-seconds']).toBe('21600');
    expect(get).toMatchObject({ method: 'GET', url: '/openstack/latest/securitykey' });
    expect(get!.headers['x-metadata-token']).toBe(METADATA_TOKEN);
  });

  it('reuses the session token for the next key request', async () => {
    const clock = manualClock();
    const s = await server({ [TOKEN_ROUTE]: [issueToken()], [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR)] });
    const client = metadataClient({ baseUrl: s.url, now: clock.now });
    await client.securityKey();
    clock.advance(HOUR);
    await client.securityKey();
    expect(s.to(TOKEN_ROUTE)).toHaveLength(1);
    expect(s.to(KEY_ROUTE).map((r) => r.headers['x-metadata-token'])).toEqual([METADATA_TOKEN, METADATA_TOKEN]);
  });

  it.each([404, 405])('a %i on the token request means no token endpoint: go on without one', async (status) => {
    const clock = manualClock();
    const s = await server({ [TOKEN_ROUTE]: [{ status, body: '' }], [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR)] });
    const client = metadataClient({ baseUrl: s.url, now: clock.now });
    await expect(client.securityKey()).resolves.toMatchObject({ accessKey: AK });
    expect(s.to(KEY_ROUTE)[0]!.headers['x-metadata-token']).toBeUndefined();
    // Not asked again for a day, then checked again (the instance may have gained one).
    await client.securityKey();
    expect(s.to(TOKEN_ROUTE)).toHaveLength(1);
    clock.advance(24 * HOUR + 1);
    await client.securityKey();
    expect(s.to(TOKEN_ROUTE)).toHaveLength(2);
  });

  it('a 401 on the key request renews the session token once and asks again', async () => {
    const clock = manualClock();
    const s = await server({
      [TOKEN_ROUTE]: [issueToken('mdt-old-Qw3Er5Ty7Ui9'), issueToken()],
      [KEY_ROUTE]: [{ status: 401, body: { error: 'token expired' } }, keyAnswer(clock.now() + HOUR)],
    });
    await expect(metadataClient({ baseUrl: s.url, now: clock.now }).securityKey()).resolves.toMatchObject({
      accessKey: AK,
    });
    expect(s.to(TOKEN_ROUTE)).toHaveLength(2);
    expect(s.to(KEY_ROUTE).map((r) => r.headers['x-metadata-token'])).toEqual(['mdt-old-Qw3Er5Ty7Ui9', METADATA_TOKEN]);
  });

  it('a second 401 is an error, after exactly one renewal of the session token', async () => {
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [{ status: 401, body: { error: `bad token ${METADATA_TOKEN}` } }],
    });
    const error = await failureOf(metadataClient({ baseUrl: s.url }).securityKey());
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ code: 'REFUSED', status: 401, retryable: false });
    expect(error.message).toMatch(/refused \(HTTP 401\) even with a new session token/);
    expect(s.to(TOKEN_ROUTE)).toHaveLength(2);
    expect(s.to(KEY_ROUTE)).toHaveLength(2);
  });

  it('"Please configure Cloud Service Agency first" is a ConfigError saying to attach an agency, with no token renewal', async () => {
    const s = await server({ [TOKEN_ROUTE]: [issueToken()], [KEY_ROUTE]: [{ status: 401, body: AGENCY_BODY }] });
    const error = await failureOf(metadataClient({ baseUrl: s.url }).securityKey());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /no agency .*attach an agency that grants HSS access to this ECS instance or CCE node/,
    );
    expect(s.to(TOKEN_ROUTE)).toHaveLength(1);
    expect(s.to(KEY_ROUTE)).toHaveLength(1);
  });

  it('the agency message after a token renewal is the same ConfigError', async () => {
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [
        { status: 401, body: 'expired' },
        { status: 401, body: AGENCY_BODY },
      ],
    });
    expect(await failureOf(metadataClient({ baseUrl: s.url }).securityKey())).toBeInstanceOf(ConfigError);
  });

  it('a 200 without a complete credential is MALFORMED and quotes nothing of the body', async () => {
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [
        { status: 200, body: { credential: { access: AK, secret: SK, securitytoken: SECURITY_TOKEN } } },
        { status: 200, body: `{"credential":{"access":"${AK}","secret":"${SK}` },
      ],
    });
    const client = metadataClient({ baseUrl: s.url });
    for (let i = 0; i < 2; i++) {
      const error = await failureOf(client.securityKey());
      expect(error).toMatchObject({ code: 'MALFORMED', status: 200 });
      expect(error.message).toMatch(/without a complete credential \(access, secret, securitytoken, expires_at\)/);
    }
  });

  it('other statuses are HTTP errors, retryable for 5xx', async () => {
    const put500 = await server({ [TOKEN_ROUTE]: [{ status: 500, body: '' }] });
    expect(await failureOf(metadataClient({ baseUrl: put500.url }).securityKey())).toMatchObject({
      code: 'HTTP',
      status: 500,
      retryable: true,
    });
    const get503 = await server({ [TOKEN_ROUTE]: [issueToken()], [KEY_ROUTE]: [{ status: 503, body: '' }] });
    const error = await failureOf(metadataClient({ baseUrl: get503.url }).securityKey());
    expect(error).toMatchObject({ code: 'HTTP', status: 503, retryable: true });
    expect(error.message).toMatch(/GET .*securitykey answered HTTP 503; the metadata service may be unavailable/);
  });

  it('a service that never answers times out per request (test limit 50 ms)', async () => {
    const silent = await server({ [TOKEN_ROUTE]: [never] });
    const error = await failureOf(metadataClient({ baseUrl: silent.url, timeoutMs: 50 }).securityKey());
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(error.message).toMatch(/PUT .*api\/token got no answer within 50 ms/);

    const stalls = await server({
      [TOKEN_ROUTE]: [issueToken()],
      // Headers and half a body, then nothing: the limit covers the body too.
      [KEY_ROUTE]: [
        (res) => res.writeHead(200, { 'Content-Type': 'application/json' }).write(`{"credential":{"access":"${AK}"`),
      ],
    });
    const stalled = await failureOf(metadataClient({ baseUrl: stalls.url, timeoutMs: 50 }).securityKey());
    expect(stalled).toMatchObject({ code: 'TIMEOUT' });
    expect(stalled.message).toMatch(/GET .*securitykey got no answer within 50 ms/);
  });

  it('a refused connection is UNREACHABLE with the system code', async () => {
    const port = await freePort();
    const error = await failureOf(metadataClient({ baseUrl: `http://127.0.0.1:${port}` }).securityKey());
    expect(error).toMatchObject({ code: 'UNREACHABLE', retryable: true });
    expect(error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it("the caller's signal aborts with AbortError", async () => {
    const silent = await server({ [TOKEN_ROUTE]: [never] });
    const controller = new AbortController();
    const pending = metadataClient({ baseUrl: silent.url }).securityKey(controller.signal);
    // Wait for the request to arrive rather than for time to pass.
    await vi.waitFor(() => expect(silent.received).toHaveLength(1));
    controller.abort();
    expect(await failureOf(pending)).toBeInstanceOf(AbortError);
  });

  it('talks only to http://169.254.169.254, with a 3 s limit per request, by default', async () => {
    vi.useFakeTimers();
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const seen: Array<{ url: string; method: string; aborted: () => boolean }> = [];
    const hanging: typeof fetch = (input, init) =>
      new Promise((_, reject) => {
        const signal = init?.signal as AbortSignal;
        seen.push({ url: String(input), method: init?.method ?? 'GET', aborted: () => signal.aborted });
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const pending = failureOf(metadataClient({ fetch: hanging }).securityKey());
    await vi.advanceTimersByTimeAsync(2_999);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: 'http://169.254.169.254/meta-data/latest/api/token', method: 'PUT' });
    expect(seen[0]!.aborted()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toMatch(/within 3000 ms/);
  });

  it('cannot be pointed at any host but a loopback test server', () => {
    for (const baseUrl of [
      'http://10.0.0.1',
      'http://169.254.169.254.evil.example',
      'https://example.com',
      'file:///etc',
      `http://u:${SK}@10.0.0.1`,
    ]) {
      expect(thrownBy(() => metadataClient({ baseUrl }))).toBeInstanceOf(ConfigError);
    }
    expect(() => metadataClient({ baseUrl: 'http://[::1]:8080' })).not.toThrow();
  });
});

describe('HSS_EXPORT_TEST_METADATA_URL', () => {
  it('is honoured only when it names a loopback server', () => {
    expect(testMetadataUrl({})).toBeUndefined();
    expect(testMetadataUrl({ HSS_EXPORT_TEST_METADATA_URL: 'http://127.0.0.1:8123/' })).toBe('http://127.0.0.1:8123');
    expect(testMetadataUrl({ HSS_EXPORT_TEST_METADATA_URL: 'http://localhost:8123' })).toBe('http://localhost:8123');
    expect(
      thrownBy(() => testMetadataUrl({ HSS_EXPORT_TEST_METADATA_URL: `http://${SK}@192.168.1.5` })).message,
    ).toMatch(/HSS_EXPORT_TEST_METADATA_URL may only point at a test server on 127\.0\.0\.1, localhost or \[::1\]/);
  });

  it('points the metadata link at the test server', async () => {
    const clock = manualClock();
    const s = await server({ [TOKEN_ROUTE]: [issueToken()], [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR)] });
    const result = await metadataLink().resolve(ctx({ env: { HSS_EXPORT_TEST_METADATA_URL: s.url }, now: clock.now }));
    expect(await (result as LinkHit).provider.get()).toMatchObject({ accessKey: AK });
  });
});

describe('instance metadata link', () => {
  it('hands out the first answer without asking again, then renews before expiry: one request for 50 callers', async () => {
    const clock = manualClock();
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR), keyAnswer(clock.now() + 2 * HOUR, 2)],
    });
    const { provider } = (await metadataLink({ baseUrl: s.url }).resolve(ctx({ now: clock.now }))) as LinkHit;
    expect(provider.source).toBe(`instance metadata (${s.url})`);
    expect(await provider.get()).toMatchObject({ accessKey: AK });
    expect(s.to(KEY_ROUTE)).toHaveLength(1);
    clock.advance(HOUR - 4 * 60_000);
    const got = (await Promise.all(Array.from({ length: 50 }, () => provider.get()))) as AkSkCredential[];
    expect(s.to(KEY_ROUTE)).toHaveLength(2);
    expect(new Set(got.map((c) => c.accessKey))).toEqual(new Set([`${AK.slice(0, -1)}2`]));
    expect(s.to(TOKEN_ROUTE)).toHaveLength(1);
  });

  it('invalidate makes the next get() fetch new keys once', async () => {
    const clock = manualClock();
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR), keyAnswer(clock.now() + HOUR, 2)],
    });
    const { provider } = (await metadataLink({ baseUrl: s.url }).resolve(ctx({ now: clock.now }))) as LinkHit;
    const first = await provider.get();
    provider.invalidate(first);
    const again = await Promise.all(Array.from({ length: 50 }, () => provider.get()));
    expect(s.to(KEY_ROUTE)).toHaveLength(2);
    expect((again[0] as AkSkCredential).accessKey).not.toBe(AK);
  });

  it('no metadata service, a timeout, or a missing agency are reasons (the chain lists them)', async () => {
    const port = await freePort();
    expect(await metadataLink({ baseUrl: `http://127.0.0.1:${port}` }).resolve(ctx())).toEqual({
      reason: expect.stringMatching(
        /could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(not an ECS instance or CCE node, or the metadata service is blocked\)/,
      ),
    });
    const silent = await server({ [TOKEN_ROUTE]: [never] });
    expect(await metadataLink({ baseUrl: silent.url, timeoutMs: 50 }).resolve(ctx())).toEqual({
      reason: expect.stringMatching(/got no answer within 50 ms \(not an ECS instance or CCE node/),
    });
    const noAgency = await server({
      [TOKEN_ROUTE]: [{ status: 404, body: '' }],
      [KEY_ROUTE]: [{ status: 401, body: AGENCY_BODY }],
    });
    expect(await metadataLink({ baseUrl: noAgency.url }).resolve(ctx())).toEqual({
      reason: expect.stringMatching(/no agency .*attach an agency/),
    });
  });

  it('an abort of the chain is not turned into a reason', async () => {
    const silent = await server({ [TOKEN_ROUTE]: [never] });
    const controller = new AbortController();
    const pending = metadataLink({ baseUrl: silent.url }).resolve(ctx({ signal: controller.signal }));
    await vi.waitFor(() => expect(silent.received).toHaveLength(1));
    controller.abort();
    expect(await failureOf(pending)).toBeInstanceOf(AbortError);
  });

  it('a renewal that fails after expiry is a CredentialSourceError from get()', async () => {
    const clock = manualClock();
    const s = await server({
      [TOKEN_ROUTE]: [issueToken()],
      [KEY_ROUTE]: [keyAnswer(clock.now() + HOUR), { status: 500, body: `oops ${SK}` }],
    });
    const { provider } = (await metadataLink({ baseUrl: s.url }).resolve(ctx({ now: clock.now }))) as LinkHit;
    clock.advance(HOUR);
    const error = await failureOf(provider.get());
    expect(error).toMatchObject({ name: 'CredentialSourceError', code: 'HTTP', status: 500 });
  });
});
