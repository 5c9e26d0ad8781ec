import { describe, expect, it } from 'vitest';
import { servers } from '../src/generated/regions.js';
import { ConfigError, createHssClient } from '../src/index.js';

const token = { token: 't' };

describe('createHssClient configuration', () => {
  it('maps a region to its endpoint from the spec, including eu-west-101', () => {
    expect(servers.flatMap((s) => s.regions)).toHaveLength(32);
    expect(createHssClient({ region: 'cn-north-4', projectId: 'p', credentials: token, env: {} }).endpoint).toBe(
      'https://hss.cn-north-4.myhuaweicloud.com',
    );
    expect(createHssClient({ region: 'eu-west-101', projectId: 'p', credentials: token, env: {} }).endpoint).toBe(
      'https://hss.eu-west-101.myhuaweicloud.eu',
    );
  });

  it('lets an explicit endpoint override the region', () => {
    const client = createHssClient({
      region: 'cn-north-4',
      endpoint: 'https://hss.example.test/',
      projectId: 'p',
      credentials: token,
      env: {},
    });
    expect(client.endpoint).toBe('https://hss.example.test');
  });

  it('reads AK/SK, security token, project and region from the official SDK variables', async () => {
    const client = createHssClient({
      env: {
        HUAWEICLOUD_SDK_AK: 'ak',
        HUAWEICLOUD_SDK_SK: 'sk',
        HUAWEICLOUD_SDK_SECURITY_TOKEN: 'st',
        HUAWEICLOUD_SDK_PROJECT_ID: 'p-env',
        HUAWEICLOUD_SDK_REGION: 'ap-southeast-3',
      },
    });
    expect(client.endpoint).toBe('https://hss.ap-southeast-3.myhuaweicloud.com');
    expect(await client.settings()).toEqual({
      credentialSource: 'environment (HUAWEICLOUD_SDK_AK/SK and HUAWEICLOUD_SDK_SECURITY_TOKEN)',
      projectId: 'p-env',
      projectIdSource: 'HUAWEICLOUD_SDK_PROJECT_ID',
    });
  });

  const failures: Array<[string, Parameters<typeof createHssClient>[0], RegExp]> = [
    [
      'no region or endpoint',
      { projectId: 'p', credentials: token, env: {} },
      /pass `region`.*HUAWEICLOUD_SDK_REGION.*`endpoint`/,
    ],
    [
      'unknown region',
      { region: 'mars-1', projectId: 'p', credentials: token, env: {} },
      /unknown region "mars-1".*cn-north-4/,
    ],
    [
      'token and AK together',
      {
        region: 'cn-north-4',
        projectId: 'p',
        credentials: { token: 't', accessKey: 'a', secretKey: 's' } as never,
        env: {},
      },
      /either \{ token \}/,
    ],
    [
      'AK without SK',
      { region: 'cn-north-4', projectId: 'p', credentials: { accessKey: 'a' } as never, env: {} },
      /both accessKey and secretKey/,
    ],
    [
      'plain http to a remote host',
      { endpoint: 'http://hss.example.test', projectId: 'p', credentials: token, env: {} },
      /must use https/,
    ],
    ['an endpoint that is not a URL', { endpoint: 'hss', projectId: 'p', credentials: token, env: {} }, /not a URL/],
    [
      'a negative timeout',
      { region: 'cn-north-4', projectId: 'p', credentials: token, env: {}, timeoutMs: -1 },
      /timeoutMs must be a whole number/,
    ],
    [
      'fractional retries',
      { region: 'cn-north-4', projectId: 'p', credentials: token, env: {}, maxRetries: 1.5 },
      /maxRetries must be a whole number/,
    ],
  ];
  it.each(failures)('fails at construction on %s, naming the setting', (_name, options, message) => {
    expect(() => createHssClient(options)).toThrow(ConfigError);
    expect(() => createHssClient(options)).toThrow(message);
  });

  it('never puts a secret from the environment into a configuration error', () => {
    try {
      createHssClient({
        region: 'nowhere',
        projectId: 'p',
        env: { HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'SK-VERY-SECRET' },
      });
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain('SK-VERY-SECRET');
    }
  });
});
