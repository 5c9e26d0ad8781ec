import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { staticProvider } from '../../src/config.js';
import { cachedChain, resolveChain } from '../../src/credentials/chain.js';
import { NoCredentialsError } from '../../src/credentials/errors.js';
import { nodeChain, resolveCredentialChain } from '../../src/credentials/node-chain.js';
import type { AkSkCredential, ChainContext, TokenCredential } from '../../src/credentials/types.js';
import {
  AK,
  failureOf,
  ID_TOKEN,
  json,
  KEY_ROUTE,
  manualClock,
  METADATA_TOKEN,
  never,
  SECURITY_TOKEN,
  securityKey,
  server,
  SK,
  SUBJECT_TOKEN,
  TOKEN,
  TOKEN_ROUTE,
  tempDir,
} from './support.js';

const HOUR = 3_600_000;
const PROJECTS = '^/v3/projects$';

/** A metadata stand-in that counts what it is asked; the chain finds it via the test variable. */
async function metadata(clock: { now(): number } = { now: Date.now }) {
  const s = await server({
    [TOKEN_ROUTE]: [(res: ServerResponse) => res.writeHead(200).end(METADATA_TOKEN)],
    [KEY_ROUTE]: [(res: ServerResponse) => json(res, 200, securityKey(clock.now() + HOUR))],
  });
  return { ...s, env: { HSS_EXPORT_TEST_METADATA_URL: s.url } };
}

async function profileHome(text: string) {
  const dir = await tempDir();
  await mkdir(join(dir, '.huaweicloud'));
  const file = join(dir, '.huaweicloud', 'credentials');
  await writeFile(file, text);
  await chmod(file, 0o600);
  return { dir, file };
}

async function closedPort(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  return `http://127.0.0.1:${port}`;
}

const ctx = (env: Record<string, string | undefined>, extra: Partial<ChainContext> = {}): ChainContext => ({
  env,
  fetch,
  ...extra,
});

describe('node chain: order', () => {
  it('the credentials option wins, and nothing later is consulted', async () => {
    const md = await metadata();
    const home = await profileHome(`[basic]\nak = ${AK}\nsk = ${SK}\n`);
    const env = { ...md.env, HOME: home.dir, HUAWEICLOUD_SDK_AK: 'env-ak', HUAWEICLOUD_SDK_SK: 'env-sk' };
    const { provider } = await resolveCredentialChain(
      ctx(env, { credentials: staticProvider({ kind: 'token', token: TOKEN }, 'the credentials option') }),
    );
    expect(await provider.get()).toEqual({ kind: 'token', token: TOKEN });
    expect(provider.source).toBe('the credentials option');
    expect(md.received).toHaveLength(0);
  });

  it('environment credentials beat the profile file, and the metadata service gets zero requests', async () => {
    const md = await metadata();
    const home = await profileHome(`[basic]\nak = file-ak\nsk = file-sk\n`);
    const env = { ...md.env, HOME: home.dir, HSS_EXPORT_TOKEN: TOKEN };
    const { provider } = await resolveCredentialChain(ctx(env));
    expect(provider.source).toBe('environment (HSS_EXPORT_TOKEN)');
    expect(md.received).toHaveLength(0);
  });

  it('profile credentials beat the metadata service, which gets zero requests', async () => {
    const md = await metadata();
    const home = await profileHome(`[basic]\nak = ${AK}\nsk = ${SK}\n`);
    const { provider } = await resolveCredentialChain(ctx({ ...md.env, HOME: home.dir }));
    expect(provider.source).toBe(`profile file ${home.file} [basic]`);
    expect(md.received).toHaveLength(0);
  });

  it('the metadata service is asked only when nothing configured applies', async () => {
    const md = await metadata();
    const home = await tempDir();
    const { provider } = await resolveCredentialChain(ctx({ ...md.env, HOME: home }));
    expect(await provider.get()).toMatchObject({ accessKey: AK, securityToken: SECURITY_TOKEN });
    expect(md.to(KEY_ROUTE)).toHaveLength(1);
  });

  it('a contradiction is a ConfigError at once: no later source is tried', async () => {
    const md = await metadata();
    const home = await profileHome(`[basic]\nak = ${AK}\nsk = ${SK}\n`);
    const error = await failureOf(resolveCredentialChain(ctx({ ...md.env, HOME: home.dir, HUAWEICLOUD_SDK_AK: AK })));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).not.toBeInstanceOf(NoCredentialsError);
    expect(error.message).toMatch(/HUAWEICLOUD_SDK_SK is not set/);
    expect(md.received).toHaveLength(0);
  });

  it('when every source gives nothing, the error lists each in order with its reason, and how to fix it', async () => {
    const home = await tempDir();
    const env = { HOME: home, HSS_EXPORT_TEST_METADATA_URL: await closedPort() };
    const error = await failureOf(resolveCredentialChain(ctx(env)));
    expect(error).toBeInstanceOf(NoCredentialsError);
    expect(error).toBeInstanceOf(ConfigError);
    const { attempts } = error as NoCredentialsError;
    expect(attempts.map((a) => a.source)).toEqual([
      'the credentials option',
      'environment variables',
      'profile file',
      'instance metadata',
    ]);
    expect(attempts[1]!.reason).toMatch(/none of HUAWEICLOUD_SDK_AK/);
    expect(attempts[2]!.reason).toBe(`no file at ${join(home, '.huaweicloud', 'credentials')}`);
    expect(attempts[3]!.reason).toMatch(/ECONNREFUSED.*not an ECS instance or CCE node/);
    expect(error.message).toMatch(
      /^no credentials found; looked in this order:\n {2}1\. the credentials option: not passed\n {2}2\. environment variables: .*\n {2}3\. profile file: .*\n {2}4\. instance metadata: .*\nTo fix: pass credentials .*HUAWEICLOUD_SDK_AK.*\[basic\].*agency attached$/,
    );
    expect(JSON.parse(JSON.stringify(error)).attempts).toHaveLength(4);
  });

  it('a metadata service that never answers makes the chain fail after its time limit, with that reason', async () => {
    const silent = await server({ [TOKEN_ROUTE]: [never] });
    const error = await failureOf(
      resolveChain(ctx({ HOME: await tempDir() }), nodeChain({ metadata: { baseUrl: silent.url, timeoutMs: 50 } })),
    );
    expect((error as NoCredentialsError).attempts[3]!.reason).toMatch(/got no answer within 50 ms/);
  });

  it('an agency-less instance says to attach an agency in the final error', async () => {
    const s = await server({
      [TOKEN_ROUTE]: [{ status: 405, body: '' }],
      [KEY_ROUTE]: [{ status: 401, body: 'Please configure Cloud Service Agency first' }],
    });
    const error = await failureOf(resolveCredentialChain(ctx({ HSS_EXPORT_TEST_METADATA_URL: s.url })));
    expect(error.message).toMatch(/4\. instance metadata: .*no agency.*attach an agency/);
  });

  it('secrets in a profile without [basic] never reach the error', async () => {
    const home = await profileHome(`[global]\nak = ${AK}\nsk = ${SK}\nsecurity_token = ${SECURITY_TOKEN}\n`);
    const error = await failureOf(
      resolveCredentialChain(ctx({ HOME: home.dir, HSS_EXPORT_TEST_METADATA_URL: await closedPort() })),
    );
    expect(error.message).toMatch(/has no \[basic\] section/);
  });
});

describe('node chain: project ID and IAM endpoint', () => {
  it('explicit beats HUAWEICLOUD_SDK_PROJECT_ID beats project_id in the profile', async () => {
    const home = await profileHome(`[basic]\nak = ${AK}\nsk = ${SK}\nproject_id = p-file\n`);
    const base = { HOME: home.dir };
    expect(await resolveCredentialChain(ctx(base))).toMatchObject({
      projectId: 'p-file',
      projectIdSource: `project_id in [basic] in ${home.file}`,
    });
    expect(await resolveCredentialChain(ctx({ ...base, HUAWEICLOUD_SDK_PROJECT_ID: 'p-env' }))).toMatchObject({
      projectId: 'p-env',
      projectIdSource: 'HUAWEICLOUD_SDK_PROJECT_ID',
    });
    expect(
      await resolveCredentialChain(ctx({ ...base, HUAWEICLOUD_SDK_PROJECT_ID: 'p-env' }, { projectId: 'p-opt' })),
    ).toMatchObject({ projectId: 'p-opt', projectIdSource: 'the projectId option' });
  });

  it('HUAWEICLOUD_SDK_PROJECT_ID applies to metadata credentials too', async () => {
    const md = await metadata();
    const resolved = await resolveCredentialChain(ctx({ ...md.env, HUAWEICLOUD_SDK_PROJECT_ID: 'p-env' }));
    expect(resolved.projectId).toBe('p-env');
  });

  it('reports the IAM endpoint: the default, or the one a setting names', async () => {
    expect((await resolveCredentialChain(ctx({ HSS_EXPORT_TOKEN: TOKEN }))).iamEndpoint).toBe(
      'https://iam.myhuaweicloud.com',
    );
    const withEnv = ctx({ HSS_EXPORT_TOKEN: TOKEN, HUAWEICLOUD_SDK_IAM_ENDPOINT: 'iam.eu-west-101.myhuaweicloud.eu' });
    expect((await resolveCredentialChain(withEnv)).iamEndpoint).toBe('https://iam.eu-west-101.myhuaweicloud.eu');
  });

  it('with no project ID but a region, it is found from IAM with the AK/SK, once per resolution', async () => {
    const iam = await server({
      [PROJECTS]: [{ status: 200, body: { projects: [{ id: 'p-found', name: 'ap-southeast-1' }] } }],
    });
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url };
    const resolved = await resolveCredentialChain(ctx(env, { region: 'ap-southeast-1' }));
    expect(resolved).toMatchObject({
      projectId: 'p-found',
      projectIdSource: 'IAM (the only project named ap-southeast-1)',
    });
    expect(iam.received).toHaveLength(1);
    expect(iam.received[0]!.url).toBe('/v3/projects?name=ap-southeast-1');
    expect(String(iam.received[0]!.headers.authorization)).toMatch(/^SDK-HMAC-SHA256 /);
  });

  it('metadata credentials discover the project with their security token', async () => {
    const md = await metadata();
    const iam = await server({
      [PROJECTS]: [{ status: 200, body: { projects: [{ id: 'p-md', name: 'cn-north-4' }] } }],
    });
    const env = { ...md.env, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url };
    expect((await resolveCredentialChain(ctx(env, { region: 'cn-north-4' }))).projectId).toBe('p-md');
    expect(iam.received[0]!.headers['x-security-token']).toBe(SECURITY_TOKEN);
  });

  it('no discovery without a region, with a token, or when a project ID is set', async () => {
    const iam = await server({ [PROJECTS]: [{ status: 500, body: '' }] });
    const keys = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url };
    expect((await resolveCredentialChain(ctx(keys))).projectId).toBeUndefined();
    expect(
      (
        await resolveCredentialChain(
          ctx({ HSS_EXPORT_TOKEN: TOKEN, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url }, { region: 'r' }),
        )
      ).projectId,
    ).toBeUndefined();
    expect((await resolveCredentialChain(ctx(keys, { region: 'r', projectId: 'p' }))).projectId).toBe('p');
    expect(iam.received).toHaveLength(0);
  });

  it('several projects for the region: a ConfigError listing them', async () => {
    const iam = await server({
      [PROJECTS]: [
        {
          status: 200,
          body: {
            projects: [
              { id: 'p-1', name: 'r' },
              { id: 'p-2', name: 'r' },
            ],
          },
        },
      ],
    });
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url };
    const error = await failureOf(resolveCredentialChain(ctx(env, { region: 'r' })));
    expect(error.message).toMatch(/p-1 \(r\), p-2 \(r\)/);
  });
});

describe('node chain: federation end to end', () => {
  it('env federation settings give a provider that exchanges the ID token at IAM on get()', async () => {
    const clock = manualClock();
    const dir = await tempDir();
    const file = join(dir, 'token');
    await writeFile(file, ID_TOKEN);
    const iam = await server({
      '^/v3.0/OS-AUTH/id-token/tokens$': [
        (res: ServerResponse) =>
          json(
            res,
            201,
            { token: { expires_at: new Date(clock.now() + HOUR).toISOString() } },
            { 'X-Subject-Token': SUBJECT_TOKEN },
          ),
      ],
    });
    const md = await metadata();
    const env = {
      ...md.env,
      HUAWEICLOUD_SDK_IDP_ID: 'idp-ci',
      HUAWEICLOUD_SDK_ID_TOKEN_FILE: file,
      HUAWEICLOUD_SDK_PROJECT_ID: 'p-ci',
      HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url,
    };
    const resolved = await resolveCredentialChain(ctx(env, { now: clock.now, region: 'r' }));
    // Resolving exchanges nothing yet (and needs no discovery: the project is set).
    expect(iam.received).toHaveLength(0);
    expect(resolved.projectId).toBe('p-ci');
    const credential = (await resolved.provider.get()) as TokenCredential;
    expect(credential).toEqual({ kind: 'token', token: SUBJECT_TOKEN, expiresAt: clock.now() + HOUR });
    expect(JSON.parse(iam.received[0]!.body).auth.scope.project.id).toBe('p-ci');
    expect(md.received).toHaveLength(0);
  });
});

describe('cachedChain', () => {
  it('concurrent first calls resolve once: one metadata round trip, one project lookup', async () => {
    const md = await metadata();
    const iam = await server({ [PROJECTS]: [{ status: 200, body: { projects: [{ id: 'p', name: 'r' }] } }] });
    const resolve = cachedChain(() =>
      resolveCredentialChain(ctx({ ...md.env, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url }, { region: 'r' })),
    );
    const all = await Promise.all(Array.from({ length: 20 }, () => resolve()));
    expect(new Set(all).size).toBe(1);
    expect(md.to(KEY_ROUTE)).toHaveLength(1);
    expect(iam.received).toHaveLength(1);
    const credential = (await all[0]!.provider.get()) as AkSkCredential;
    expect(credential.accessKey).toBe(AK);
  });

  it('a failure is not kept: the next call resolves again', async () => {
    let calls = 0;
    const resolve = cachedChain(async () => {
      calls++;
      if (calls === 1) throw new ConfigError('first attempt fails');
      return resolveCredentialChain(ctx({ HSS_EXPORT_TOKEN: TOKEN }));
    });
    expect(await failureOf(resolve())).toBeInstanceOf(ConfigError);
    await expect(resolve()).resolves.toHaveProperty('provider');
    await resolve();
    expect(calls).toBe(2);
  });
});
