import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { federatedToken } from '../../src/credentials/federation.js';
import type { ChainContext, FederationSettings, TokenCredential } from '../../src/credentials/types.js';
import { failureOf, ID_TOKEN, json, manualClock, server, SUBJECT_TOKEN, tempDir } from './support.js';

const EXCHANGE = '^/v3.0/OS-AUTH/id-token/tokens$';
const HOUR = 3_600_000;

/** IAM that issues token n (n = 1, 2, …) valid for `lifetimeMs` from the clock's now. */
function issuing(clock: { now(): number }, lifetimeMs = 24 * HOUR) {
  let n = 0;
  return (res: ServerResponse) => {
    n++;
    json(
      res,
      201,
      { token: { expires_at: new Date(clock.now() + lifetimeMs).toISOString() } },
      { 'X-Subject-Token': `${SUBJECT_TOKEN}-${n}` },
    );
  };
}

async function setup(clock = manualClock()) {
  const dir = await tempDir();
  const file = join(dir, 'id-token');
  await writeFile(file, `${ID_TOKEN}\n`);
  const iam = await server({ [EXCHANGE]: [issuing(clock)] });
  const settings: FederationSettings = {
    idpId: 'idp-ci',
    idTokenFile: file,
    projectId: 'p-0a1b',
    iamEndpoint: iam.url,
    source: 'OIDC federation (HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE)',
    idTokenFileSetting: 'HUAWEICLOUD_SDK_ID_TOKEN_FILE',
  };
  const ctx: ChainContext = { env: {}, fetch, now: clock.now };
  return { clock, file, iam, settings, provider: federatedToken(settings, ctx) };
}

const sentIdTokens = (iam: { to(route: string): Array<{ body: string }> }) =>
  iam.to(EXCHANGE).map((r) => (JSON.parse(r.body) as { auth: { id_token: { id: string } } }).auth.id_token.id);

describe('OIDC federation provider', () => {
  it('exchanges the ID token from the file (trailing newline dropped) for an IAM token', async () => {
    const { provider, iam, clock } = await setup();
    const credential = (await provider.get()) as TokenCredential;
    expect(credential).toEqual({ kind: 'token', token: `${SUBJECT_TOKEN}-1`, expiresAt: clock.now() + 24 * HOUR });
    expect(sentIdTokens(iam)).toEqual([ID_TOKEN]);
    expect(iam.received[0]!.headers['x-idp-id']).toBe('idp-ci');
    expect(provider.source).toMatch(/^OIDC federation/);
  });

  it('keeps the IAM token until 5 minutes before expires_at, then exchanges the re-read (rotated) ID token', async () => {
    const { provider, iam, clock, file } = await setup();
    await provider.get();
    await writeFile(file, `${ID_TOKEN}-rotated`);
    clock.advance(24 * HOUR - 5 * 60_000 - 1);
    expect(((await provider.get()) as TokenCredential).token).toBe(`${SUBJECT_TOKEN}-1`);
    expect(iam.received).toHaveLength(1);
    clock.advance(1);
    const renewed = await Promise.all(Array.from({ length: 50 }, () => provider.get()));
    expect(iam.received).toHaveLength(2);
    expect(new Set(renewed.map((c) => (c as TokenCredential).token))).toEqual(new Set([`${SUBJECT_TOKEN}-2`]));
    expect(sentIdTokens(iam)).toEqual([ID_TOKEN, `${ID_TOKEN}-rotated`]);
  });

  it('50 concurrent first calls make one exchange', async () => {
    const { provider, iam } = await setup();
    await Promise.all(Array.from({ length: 50 }, () => provider.get()));
    expect(iam.received).toHaveLength(1);
  });

  it('after invalidate the next get() exchanges again, reading the file again', async () => {
    const { provider, iam, file } = await setup();
    const first = await provider.get();
    await writeFile(file, `${ID_TOKEN}-next`);
    provider.invalidate(first);
    expect(((await provider.get()) as TokenCredential).token).toBe(`${SUBJECT_TOKEN}-2`);
    expect(sentIdTokens(iam)).toEqual([ID_TOKEN, `${ID_TOKEN}-next`]);
  });

  it('a missing or empty ID token file is a ConfigError naming the setting and path, with no request sent', async () => {
    const { settings, iam } = await setup();
    const ctx: ChainContext = { env: {}, fetch };
    const missing = await failureOf(
      federatedToken({ ...settings, idTokenFile: `${settings.idTokenFile}.gone` }, ctx).get(),
    );
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toBe(
      `the ID token file ${settings.idTokenFile}.gone (from HUAWEICLOUD_SDK_ID_TOKEN_FILE) does not exist: ` +
        'point HUAWEICLOUD_SDK_ID_TOKEN_FILE at the file your identity provider writes the token to',
    );
    await writeFile(settings.idTokenFile, ' \n');
    const empty = await failureOf(federatedToken(settings, ctx).get());
    expect(empty.message).toMatch(/is empty: it must hold the OIDC ID token/);
    expect(iam.received).toHaveLength(0);
  });

  it('an IAM refusal reaches get() as a CredentialSourceError without the ID token or the body', async () => {
    const dir = await tempDir();
    const file = join(dir, 't');
    await writeFile(file, ID_TOKEN);
    const iam = await server({ [EXCHANGE]: [{ status: 400, body: `bad token: ${ID_TOKEN}` }] });
    const provider = federatedToken(
      {
        idpId: 'idp-ci',
        idTokenFile: file,
        projectId: 'p',
        iamEndpoint: iam.url,
        source: 'OIDC federation (test)',
        idTokenFileSetting: 'id_token_file',
      },
      { env: {}, fetch },
    );
    expect(await failureOf(provider.get())).toMatchObject({ name: 'CredentialSourceError', code: 'HTTP', status: 400 });
  });
});
