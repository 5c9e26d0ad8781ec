import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { LinkHit, LinkResult } from '../../src/credentials/chain.js';
import { envLink, iamEndpointFromEnv } from '../../src/credentials/env.js';
import type { ChainContext, CredentialProvider, FederationSettings } from '../../src/credentials/types.js';
import { AK, failureOf, ID_TOKEN, SECURITY_TOKEN, SK, TOKEN, thrownBy } from './support.js';

const ctx = (env: Record<string, string | undefined>, extra: Partial<ChainContext> = {}): ChainContext => ({
  env,
  fetch: globalThis.fetch,
  ...extra,
});
const hit = (result: LinkResult) => {
  expect(result).toHaveProperty('provider');
  return result as LinkHit;
};

describe('environment link', () => {
  it('reads AK/SK', async () => {
    const { provider } = hit(await envLink().resolve(ctx({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK })));
    expect(await provider.get()).toEqual({ kind: 'aksk', accessKey: AK, secretKey: SK });
    expect(provider.source).toBe('environment (HUAWEICLOUD_SDK_AK/SK)');
  });

  it('reads temporary AK/SK with their security token', async () => {
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN };
    const { provider } = hit(await envLink().resolve(ctx(env)));
    expect(await provider.get()).toEqual({ kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN });
    expect(provider.source).toMatch(/HUAWEICLOUD_SDK_SECURITY_TOKEN/);
  });

  it('reads HSS_EXPORT_TOKEN', async () => {
    const { provider } = hit(await envLink().resolve(ctx({ HSS_EXPORT_TOKEN: TOKEN })));
    expect(await provider.get()).toEqual({ kind: 'token', token: TOKEN });
    expect(provider.source).toBe('environment (HSS_EXPORT_TOKEN)');
  });

  it('gives a reason naming the variables when none is set; empty values count as unset', async () => {
    const result = await envLink().resolve(ctx({ HUAWEICLOUD_SDK_AK: '', HSS_EXPORT_TOKEN: '', HOME: '/home/x' }));
    expect(result).toEqual({
      reason: expect.stringMatching(/HUAWEICLOUD_SDK_AK.*HSS_EXPORT_TOKEN.*HUAWEICLOUD_SDK_IDP_ID/),
    });
  });

  it('prefers AK/SK to HSS_EXPORT_TOKEN when both are set (the documented precedence)', async () => {
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HSS_EXPORT_TOKEN: TOKEN };
    const hit = (await envLink().resolve({ env, fetch: globalThis.fetch })) as {
      provider: { get(): Promise<unknown> };
    };
    expect(await hit.provider.get()).toMatchObject({ kind: 'aksk', accessKey: AK });
  });

  const contradictions: Array<[string, Record<string, string>, RegExp]> = [
    ['AK without SK', { HUAWEICLOUD_SDK_AK: AK }, /HUAWEICLOUD_SDK_SK is not set, but HUAWEICLOUD_SDK_AK is/],
    ['SK without AK', { HUAWEICLOUD_SDK_SK: SK }, /HUAWEICLOUD_SDK_AK is not set, but HUAWEICLOUD_SDK_SK is/],
    [
      'a security token with a token',
      { HSS_EXPORT_TOKEN: TOKEN, HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN },
      /HUAWEICLOUD_SDK_SECURITY_TOKEN is set without .*not with HSS_EXPORT_TOKEN/,
    ],
    [
      'a security token alone',
      { HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN },
      /HUAWEICLOUD_SDK_SECURITY_TOKEN is set without HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.*Set all three, or unset it/,
    ],
    [
      'idp id without token file',
      { HUAWEICLOUD_SDK_IDP_ID: 'idp-ci' },
      /HUAWEICLOUD_SDK_ID_TOKEN_FILE is not set, but HUAWEICLOUD_SDK_IDP_ID is/,
    ],
    [
      'token file without idp id',
      { HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/token' },
      /HUAWEICLOUD_SDK_IDP_ID is not set, but HUAWEICLOUD_SDK_ID_TOKEN_FILE is/,
    ],
    [
      'federation and AK/SK',
      {
        HUAWEICLOUD_SDK_IDP_ID: 'idp-ci',
        HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/t',
        HUAWEICLOUD_SDK_AK: AK,
        HUAWEICLOUD_SDK_SK: SK,
      },
      /HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE \(OIDC federation\) are set together with HUAWEICLOUD_SDK_AK/,
    ],
    [
      'federation and a token',
      { HUAWEICLOUD_SDK_IDP_ID: 'idp-ci', HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/t', HSS_EXPORT_TOKEN: TOKEN },
      /together with HSS_EXPORT_TOKEN/,
    ],
    [
      'a security token with federation',
      {
        HUAWEICLOUD_SDK_IDP_ID: 'idp-ci',
        HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/t',
        HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN,
        HUAWEICLOUD_SDK_PROJECT_ID: 'p1',
      },
      /HUAWEICLOUD_SDK_SECURITY_TOKEN is set without .*not with OIDC federation/,
    ],
    [
      'a plain-http IAM endpoint',
      {
        HUAWEICLOUD_SDK_IDP_ID: 'i',
        HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/t',
        HUAWEICLOUD_SDK_PROJECT_ID: 'p',
        HUAWEICLOUD_SDK_IAM_ENDPOINT: 'http://iam.example.com',
      },
      /HUAWEICLOUD_SDK_IAM_ENDPOINT must use https:\/\//,
    ],
  ];
  it.each(contradictions)('%s is a ConfigError naming the settings', async (_name, env, message) => {
    const federation = () => ({}) as CredentialProvider;
    const error = await failureOf(envLink({ federation }).resolve(ctx(env)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });

  it('federation builds the federation provider with the project and IAM endpoint it needs', async () => {
    const seen: FederationSettings[] = [];
    const provider = { source: 'fed' } as CredentialProvider;
    const env = {
      HUAWEICLOUD_SDK_IDP_ID: 'idp-ci',
      HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/secrets/id-token',
      HUAWEICLOUD_SDK_PROJECT_ID: 'p-env',
      HUAWEICLOUD_SDK_IAM_ENDPOINT: 'iam.ap-southeast-1.myhuaweicloud.com',
    };
    const link = envLink({
      federation: (s) => {
        seen.push(s);
        return provider;
      },
    });
    const result = hit(await link.resolve(ctx(env)));
    expect(result.provider).toBe(provider);
    expect(result.iamEndpoint).toBe('https://iam.ap-southeast-1.myhuaweicloud.com');
    expect(seen[0]).toEqual({
      idpId: 'idp-ci',
      idTokenFile: '/run/secrets/id-token',
      projectId: 'p-env',
      iamEndpoint: 'https://iam.ap-southeast-1.myhuaweicloud.com',
      source: 'OIDC federation (HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE)',
      idTokenFileSetting: 'HUAWEICLOUD_SDK_ID_TOKEN_FILE',
    });
    // The explicit project ID wins over the environment's.
    await link.resolve(ctx(env, { projectId: 'p-explicit' }));
    expect(seen[1]!.projectId).toBe('p-explicit');
  });

  it('federation without a project ID is a ConfigError: the token must be scoped to one', async () => {
    const env = { HUAWEICLOUD_SDK_IDP_ID: 'idp-ci', HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/t' };
    const error = await failureOf(envLink({ federation: () => ({}) as CredentialProvider }).resolve(ctx(env)));
    expect(error.message).toMatch(/need a project ID .*pass projectId or set HUAWEICLOUD_SDK_PROJECT_ID/);
  });

  it('federation without a federation provider (outside Node) says it is Node-only', async () => {
    const env = {
      HUAWEICLOUD_SDK_IDP_ID: 'idp-ci',
      HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/run/t',
      HUAWEICLOUD_SDK_PROJECT_ID: 'p',
    };
    const error = await failureOf(envLink().resolve(ctx(env)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/only works in Node; elsewhere pass credentials explicitly/);
  });

  it('the IAM endpoint setting: bare host gets https, loopback http is allowed, junk is refused', () => {
    expect(iamEndpointFromEnv({})).toBeUndefined();
    expect(iamEndpointFromEnv({ HUAWEICLOUD_SDK_IAM_ENDPOINT: 'iam.example.com/' })).toBe('https://iam.example.com');
    expect(iamEndpointFromEnv({ HUAWEICLOUD_SDK_IAM_ENDPOINT: 'http://127.0.0.1:8443' })).toBe('http://127.0.0.1:8443');
    expect(iamEndpointFromEnv({ HUAWEICLOUD_SDK_IAM_ENDPOINT: 'localhost:8443' })).toBe('https://localhost:8443');
    const bad = (value: string) => thrownBy(() => iamEndpointFromEnv({ HUAWEICLOUD_SDK_IAM_ENDPOINT: value })).message;
    expect(bad(`https://iam.example.com?ak=${AK}`)).toMatch(/plain base URL/);
    expect(bad(`https://u:${SK}@iam.example.com`)).toMatch(/without \?query, #hash or user:password@/);
    expect(bad(`https://exa mple/${SK}`)).toMatch(/HUAWEICLOUD_SDK_IAM_ENDPOINT is not a URL or host name/);
    expect(bad('http://iam.example.com')).toMatch(/must use https:\/\/ .*got http:\/\/iam\.example\.com/);
  });

  it('never reads the ID token file itself (that is the federation provider’s job, at each exchange)', async () => {
    const env = {
      HUAWEICLOUD_SDK_IDP_ID: 'i',
      HUAWEICLOUD_SDK_ID_TOKEN_FILE: `/nonexistent/${ID_TOKEN}`,
      HUAWEICLOUD_SDK_PROJECT_ID: 'p',
    };
    await expect(
      envLink({ federation: () => ({ source: 'f' }) as CredentialProvider }).resolve(ctx(env)),
    ).resolves.toHaveProperty('provider');
  });
});
