import type { ServerResponse } from 'node:http';
import type { Received } from '@hss-export/mock/scripted';
import { describe, expect, it } from 'vitest';
import { authorization, formatSdkDate } from '../../src/auth/signer.js';
import { ConfigError } from '../../src/errors.js';
import { CredentialSourceError } from '../../src/credentials/errors.js';
import { discoverProjectId, exchangeIdToken } from '../../src/credentials/iam.js';
import type { AkSkCredential } from '../../src/credentials/types.js';
import {
  AK,
  failureOf,
  ID_TOKEN,
  json,
  manualClock,
  never,
  SECURITY_TOKEN,
  server,
  SK,
  SUBJECT_TOKEN,
} from './support.js';

const PROJECTS = '^/v3/projects$';
const EXCHANGE = '^/v3.0/OS-AUTH/id-token/tokens$';
const temporary: AkSkCredential = { kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN };
const permanent: AkSkCredential = { kind: 'aksk', accessKey: AK, secretKey: SK };

/** Recomputes the signature over exactly what arrived, as the gateway would. */
async function signatureHolds(r: Received, base: string, credential: AkSkCredential): Promise<boolean> {
  const given = String(r.headers.authorization);
  const names = /SignedHeaders=([^,]+)/.exec(given)![1]!.split(';');
  const headers = Object.fromEntries(names.map((n) => [n, String(r.headers[n])]));
  const expected = await authorization({ method: r.method, url: `${base}${r.url}`, headers, body: r.body }, credential);
  return given === expected;
}

const projects = (list: Array<{ id: string; name: string }>) => (res: ServerResponse) =>
  json(res, 200, { projects: list, links: { self: 'https://iam.example/v3/projects' } });

describe('project discovery', () => {
  it('asks IAM for the projects named after the region, signed with the AK/SK and security token', async () => {
    const clock = manualClock();
    const s = await server({ [PROJECTS]: [projects([{ id: 'p-0a1b', name: 'ap-southeast-1' }])] });
    const id = await discoverProjectId({
      iamEndpoint: s.url,
      region: 'ap-southeast-1',
      credential: temporary,
      fetch,
      now: clock.now,
    });
    expect(id).toBe('p-0a1b');
    const [r] = s.received;
    expect(r).toMatchObject({ method: 'GET', url: '/v3/projects?name=ap-southeast-1' });
    expect(r!.headers['x-sdk-date']).toBe(formatSdkDate(new Date(clock.now())));
    expect(r!.headers['x-security-token']).toBe(SECURITY_TOKEN);
    expect(r!.headers['x-project-id']).toBeUndefined();
    expect(String(r!.headers.authorization)).toMatch(
      /^SDK-HMAC-SHA256 Access=.*SignedHeaders=.*host.*x-security-token/,
    );
    expect(await signatureHolds(r!, s.url, temporary)).toBe(true);
    // And the check itself can fail: the wrong secret does not match.
    expect(await signatureHolds(r!, s.url, { ...temporary, secretKey: `${SK}x` })).toBe(false);
  });

  it('permanent keys send no X-Security-Token', async () => {
    const s = await server({ [PROJECTS]: [projects([{ id: 'p1', name: 'cn-north-4' }])] });
    await discoverProjectId({ iamEndpoint: s.url, region: 'cn-north-4', credential: permanent, fetch });
    expect(s.received[0]!.headers['x-security-token']).toBeUndefined();
    expect(await signatureHolds(s.received[0]!, s.url, permanent)).toBe(true);
  });

  it('no project is a ConfigError asking for an explicit project ID', async () => {
    const s = await server({ [PROJECTS]: [projects([])] });
    const error = await failureOf(
      discoverProjectId({ iamEndpoint: s.url, region: 'xx-1', credential: permanent, fetch }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /IAM lists no project named "xx-1" .*check the region, or pass projectId, set HUAWEICLOUD_SDK_PROJECT_ID/,
    );
  });

  it('several projects are a ConfigError listing their IDs and names', async () => {
    const s = await server({
      [PROJECTS]: [
        projects([
          { id: 'p-aaa', name: 'ap-southeast-1' },
          { id: 'p-bbb', name: 'ap-southeast-1' },
        ]),
      ],
    });
    const error = await failureOf(
      discoverProjectId({ iamEndpoint: s.url, region: 'ap-southeast-1', credential: permanent, fetch }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /IAM lists 2 projects named "ap-southeast-1": p-aaa \(ap-southeast-1\), p-bbb \(ap-southeast-1\)\. Choose one: pass projectId/,
    );
  });

  it('a refusal names status, IAM code and request id, says what to do, and echoes nothing of the body', async () => {
    const s = await server({
      [PROJECTS]: [
        (res) =>
          json(
            res,
            403,
            { error_code: 'IAM.0002', error_msg: `denied for ${AK} with ${SECURITY_TOKEN}` },
            { 'X-Request-Id': 'req-77aa' },
          ),
      ],
    });
    const error = await failureOf(discoverProjectId({ iamEndpoint: s.url, region: 'r', credential: temporary, fetch }));
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ code: 'REFUSED', status: 403, retryable: false });
    expect(error.message).toMatch(
      /GET \/v3\/projects\?name=r failed with HTTP 403 \(IAM\.0002, request id req-77aa\); the access key may be wrong or not allowed to list IAM projects; pass projectId/,
    );
  });

  it('an error code of an unusual shape is left out rather than quoted', async () => {
    const s = await server({ [PROJECTS]: [{ status: 401, body: { error_code: `X ${SK}` } }] });
    const error = await failureOf(discoverProjectId({ iamEndpoint: s.url, region: 'r', credential: permanent, fetch }));
    expect(error.message).toMatch(/failed with HTTP 401;/);
  });

  it('5xx is a retryable HTTP error; an unreadable 200 is MALFORMED', async () => {
    const busy = await server({ [PROJECTS]: [{ status: 503, body: '' }] });
    expect(
      await failureOf(discoverProjectId({ iamEndpoint: busy.url, region: 'r', credential: permanent, fetch })),
    ).toMatchObject({ code: 'HTTP', status: 503, retryable: true });
    const odd = await server({ [PROJECTS]: [{ status: 200, body: { projects: [{ name: 'r' }] } }] });
    expect(
      await failureOf(discoverProjectId({ iamEndpoint: odd.url, region: 'r', credential: permanent, fetch })),
    ).toMatchObject({ code: 'MALFORMED' });
  });

  it('an IAM that never answers times out (test limit 50 ms)', async () => {
    const s = await server({ [PROJECTS]: [never] });
    const error = await failureOf(
      discoverProjectId({ iamEndpoint: s.url, region: 'r', credential: permanent, fetch, timeoutMs: 50 }),
    );
    expect(error).toMatchObject({ code: 'TIMEOUT' });
  });

  it('refuses to send keys to a plain-http IAM that is not on this machine', async () => {
    let called = false;
    const spy: typeof fetch = async () => {
      called = true;
      return new Response('{}');
    };
    const error = await failureOf(
      discoverProjectId({ iamEndpoint: 'http://iam.example.com', region: 'r', credential: permanent, fetch: spy }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(called).toBe(false);
  });
});

describe('ID-token exchange', () => {
  const args = (iamEndpoint: string) => ({
    iamEndpoint,
    idpId: 'idp-github',
    idToken: ID_TOKEN,
    projectId: 'p-0a1b',
    fetch,
  });
  const issued =
    (expires = '2026-03-02T08:00:00.000000Z') =>
    (res: ServerResponse) =>
      json(
        res,
        201,
        { token: { expires_at: expires, methods: ['token'] } },
        { 'X-Subject-Token': SUBJECT_TOKEN, 'X-Request-Id': 'r1' },
      );

  it('POSTs the ID token with X-Idp-Id, scoped to the project, and returns X-Subject-Token with its expiry', async () => {
    const s = await server({ [EXCHANGE]: [issued()] });
    const credential = await exchangeIdToken(args(s.url));
    expect(credential).toEqual({ kind: 'token', token: SUBJECT_TOKEN, expiresAt: Date.parse('2026-03-02T08:00:00Z') });
    const [r] = s.received;
    expect(r).toMatchObject({ method: 'POST', url: '/v3.0/OS-AUTH/id-token/tokens' });
    expect(r!.headers['x-idp-id']).toBe('idp-github');
    expect(r!.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(JSON.parse(r!.body)).toEqual({
      auth: { id_token: { id: ID_TOKEN }, scope: { project: { id: 'p-0a1b' } } },
    });
    expect(r!.headers.authorization).toBeUndefined();
    expect(r!.headers['x-auth-token']).toBeUndefined();
  });

  it('an answer without X-Subject-Token or without a readable expires_at is MALFORMED', async () => {
    const noHeader = await server({
      [EXCHANGE]: [{ status: 201, body: { token: { expires_at: '2026-03-02T08:00:00Z' } } }],
    });
    const e1 = await failureOf(exchangeIdToken(args(noHeader.url)));
    expect(e1).toMatchObject({ code: 'MALFORMED' });
    expect(e1.message).toMatch(/without the X-Subject-Token header/);
    const noExpiry = await server({ [EXCHANGE]: [issued('soon')] });
    const e2 = await failureOf(exchangeIdToken(args(noExpiry.url)));
    expect(e2.message).toMatch(/without a readable token\.expires_at/);
  });

  it('a refused ID token is REFUSED with advice, and the body (which echoes the token) is not quoted', async () => {
    const s = await server({
      [EXCHANGE]: [{ status: 401, body: { error_code: 'IAM.1009', error_msg: `invalid id_token ${ID_TOKEN}` } }],
    });
    const error = await failureOf(exchangeIdToken(args(s.url)));
    expect(error).toMatchObject({ code: 'REFUSED', status: 401 });
    expect(error.message).toMatch(
      /HTTP 401 \(IAM\.1009\); check the identity provider ID, that its protocol trusts this ID token/,
    );
  });

  it('times out against an IAM that never answers (test limit 50 ms)', async () => {
    const s = await server({ [EXCHANGE]: [never] });
    expect(await failureOf(exchangeIdToken({ ...args(s.url), timeoutMs: 50 }))).toMatchObject({ code: 'TIMEOUT' });
  });
});
