import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { LinkHit, LinkResult } from '../../src/credentials/chain.js';
import { parseIni, profileLink, profilePath } from '../../src/credentials/profile.js';
import type { ChainContext, CredentialProvider, FederationSettings } from '../../src/credentials/types.js';
import { AK, failureOf, SECURITY_TOKEN, SK, tempDir, thrownBy } from './support.js';

const ctx = (env: Record<string, string | undefined>, extra: Partial<ChainContext> = {}): ChainContext => ({
  env,
  fetch: globalThis.fetch,
  ...extra,
});
const hit = (result: LinkResult) => {
  expect(result).toHaveProperty('provider');
  return result as LinkHit;
};

/** A HOME with ~/.huaweicloud/credentials holding `text`, mode 600 unless told. */
async function home(text: string, mode = 0o600) {
  const dir = await tempDir();
  await mkdir(join(dir, '.huaweicloud'));
  const file = join(dir, '.huaweicloud', 'credentials');
  await writeFile(file, text);
  await chmod(file, mode);
  return { dir, file };
}

describe('parseIni', () => {
  it('tolerates comments, blank lines, whitespace, CRLF, quotes, colons and a BOM; later keys win', () => {
    const text = [
      '\uFEFF# a comment',
      '; another',
      'stray = before any section',
      '',
      '  [ Basic ]  # trailing comment',
      '  ak   =   first  ',
      'ak=second',
      'sk = "quoted value"',
      "security_token: 'single'",
      'project_id = p1 ; inline comment',
      'Domain_ID = d1',
      '[global]',
      'ak = other',
    ].join('\r\n');
    const sections = parseIni(text, '/x');
    expect(Object.fromEntries(sections.get('basic')!)).toEqual({
      ak: 'second',
      sk: 'quoted value',
      security_token: 'single',
      project_id: 'p1',
      domain_id: 'd1',
    });
    expect(sections.get('global')!.get('ak')).toBe('other');
    expect(sections.has('')).toBe(false);
  });

  it('reports a bad line by number and path only, never its content', () => {
    const text = `[basic]\nak = ${AK}\n\n# c\n\n\n${SK}\n`;
    const error = thrownBy(() => parseIni(text, '/home/u/.huaweicloud/credentials'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'line 7 of /home/u/.huaweicloud/credentials is not `key = value`, a [section] header or a # comment: correct or remove it',
    );
  });
});

describe('profilePath', () => {
  it('uses HUAWEICLOUD_SDK_CREDENTIALS_FILE, else HOME (or USERPROFILE), never the real home directory', () => {
    expect(profilePath({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: '/etc/c', HOME: '/h' })).toEqual({
      path: '/etc/c',
      explicit: true,
    });
    expect(profilePath({ HOME: '/home/u/' })).toEqual({ path: '/home/u/.huaweicloud/credentials', explicit: false });
    expect(profilePath({ USERPROFILE: 'C:\\Users\\u' })).toEqual({
      path: 'C:\\Users\\u\\.huaweicloud\\credentials',
      explicit: false,
    });
    expect(profilePath({})).toEqual({ reason: expect.stringMatching(/nor HOME is set/) });
  });
});

describe('profile link', () => {
  it('reads ak/sk/security_token, project_id and iam_endpoint from [basic] in ~/.huaweicloud/credentials', async () => {
    const { dir, file } = await home(
      `[basic]\nak = ${AK}\nsk = ${SK}\nsecurity_token = ${SECURITY_TOKEN}\nproject_id = p-file\niam_endpoint = iam.eu-west-101.myhuaweicloud.eu\nunknown_key = ignored\n`,
    );
    const result = hit(await profileLink().resolve(ctx({ HOME: dir })));
    expect(await result.provider.get()).toEqual({
      kind: 'aksk',
      accessKey: AK,
      secretKey: SK,
      securityToken: SECURITY_TOKEN,
    });
    expect(result.provider.source).toBe(`profile file ${file} [basic]`);
    expect(result).toMatchObject({
      projectId: 'p-file',
      projectIdSource: `project_id in [basic] in ${file}`,
      iamEndpoint: 'https://iam.eu-west-101.myhuaweicloud.eu',
    });
  });

  it('HUAWEICLOUD_SDK_IAM_ENDPOINT beats iam_endpoint in the file', async () => {
    const { dir } = await home(`[basic]\nak = ${AK}\nsk = ${SK}\niam_endpoint = iam.file.example\n`);
    const env = { HOME: dir, HUAWEICLOUD_SDK_IAM_ENDPOINT: 'iam.env.example' };
    expect(hit(await profileLink().resolve(ctx(env))).iamEndpoint).toBe('https://iam.env.example');
  });

  it('reads the file HUAWEICLOUD_SDK_CREDENTIALS_FILE names', async () => {
    const dir = await tempDir();
    const file = join(dir, 'ci-credentials.ini');
    await writeFile(file, `[basic]\r\nak=${AK}\r\nsk=${SK}\r\n`, { mode: 0o600 });
    const result = hit(
      await profileLink().resolve(ctx({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file, HOME: '/nonexistent' })),
    );
    expect(await result.provider.get()).toMatchObject({ accessKey: AK, secretKey: SK });
  });

  it('a missing default file is a reason; a missing named file is a ConfigError naming the variable', async () => {
    const dir = await tempDir();
    expect(await profileLink().resolve(ctx({ HOME: dir }))).toEqual({
      reason: `no file at ${join(dir, '.huaweicloud', 'credentials')}`,
    });
    const error = await failureOf(profileLink().resolve(ctx({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: join(dir, 'nope') })));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/\(from HUAWEICLOUD_SDK_CREDENTIALS_FILE\) does not exist: correct .* or unset it/);
  });

  it('a directory or an unreadable file is a ConfigError saying so', async () => {
    const dir = await tempDir();
    const error = await failureOf(profileLink().resolve(ctx({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: dir })));
    expect(error.message).toMatch(/is a directory/);
    if (process.getuid?.() !== 0) {
      const { dir: h, file } = await home(`[basic]\nak = ${AK}\nsk = ${SK}\n`, 0o000);
      const denied = await failureOf(profileLink().resolve(ctx({ HOME: h })));
      expect(denied.message).toBe(
        `the profile file ${file} cannot be read by this user: check its owner and permissions`,
      );
    }
  });

  it('warns, like ssh, when group or others may read the file; stays quiet at 600 and on Windows', async () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const open = await home(`[basic]\nak = ${AK}\nsk = ${SK}\n`, 0o644);
    await profileLink().resolve(ctx({ HOME: open.dir }, { warn }));
    expect(warnings).toEqual([
      `the profile file ${open.file} holds secret keys but other users may read or change it (mode 644); restrict it with: chmod 600 ${open.file}`,
    ]);
    const group = await home(`[basic]\nak = ${AK}\nsk = ${SK}\n`, 0o620);
    await profileLink().resolve(ctx({ HOME: group.dir }, { warn }));
    expect(warnings).toHaveLength(2);
    const closed = await home(`[basic]\nak = ${AK}\nsk = ${SK}\n`, 0o600);
    await profileLink().resolve(ctx({ HOME: closed.dir }, { warn }));
    await profileLink({ platform: 'win32' }).resolve(ctx({ HOME: open.dir }, { warn }));
    expect(warnings).toHaveLength(2);
    for (const w of warnings) expect(w).not.toContain(AK.slice(0, 8));
  });

  it('no [basic] section, or one without credentials, is a reason', async () => {
    const only = await home(`[global]\nak = ${AK}\nsk = ${SK}\n`);
    expect(await profileLink().resolve(ctx({ HOME: only.dir }))).toEqual({
      reason: `${only.file} has no [basic] section`,
    });
    const empty = await home('[basic]\nproject_id = p1\n');
    expect(await profileLink().resolve(ctx({ HOME: empty.dir }))).toEqual({
      reason: `[basic] in ${empty.file} has neither ak and sk nor idp_id and id_token_file`,
    });
  });

  it.each([
    ['ak without sk', `ak = ${AK}`, /sk is not set, but ak is: set both/],
    ['security_token without keys', `security_token = ${SECURITY_TOKEN}`, /security_token is set without ak and sk/],
    ['idp_id without id_token_file', 'idp_id = idp-ci', /id_token_file is not set, but idp_id is/],
    [
      'federation beside keys',
      `ak = ${AK}\nsk = ${SK}\nidp_id = i\nid_token_file = /t`,
      /are set together with ak and sk/,
    ],
    [
      'a plain-http iam_endpoint',
      `ak = ${AK}\nsk = ${SK}\niam_endpoint = http://iam.example`,
      /iam_endpoint in \[basic\].* must use https/,
    ],
    ['a line that is not key = value', `ak = ${AK}\n${SK}`, /line 3 of .* is not `key = value`/],
  ])('%s is a ConfigError naming the key and the file, and echoing no value', async (_name, body, message) => {
    const { dir, file } = await home(`[basic]\n${body}\n`);
    const error = await failureOf(
      profileLink({ federation: () => ({}) as CredentialProvider }).resolve(ctx({ HOME: dir })),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(file);
  });

  it('federation settings build the federation provider, with project_id from the file unless set elsewhere', async () => {
    const { dir, file } = await home('[basic]\nidp_id = idp-ci\nid_token_file = /run/id-token\nproject_id = p-file\n');
    const seen: FederationSettings[] = [];
    const link = profileLink({
      federation: (s) => {
        seen.push(s);
        return { source: 'fed' } as CredentialProvider;
      },
    });
    hit(await link.resolve(ctx({ HOME: dir })));
    expect(seen[0]).toEqual({
      idpId: 'idp-ci',
      idTokenFile: '/run/id-token',
      projectId: 'p-file',
      iamEndpoint: 'https://iam.myhuaweicloud.com',
      source: `OIDC federation (idp_id and id_token_file in [basic] in ${file})`,
      idTokenFileSetting: `id_token_file in [basic] in ${file}`,
    });
    await link.resolve(ctx({ HOME: dir, HUAWEICLOUD_SDK_PROJECT_ID: 'p-env' }));
    await link.resolve(ctx({ HOME: dir, HUAWEICLOUD_SDK_PROJECT_ID: 'p-env' }, { projectId: 'p-opt' }));
    expect(seen.map((s) => s.projectId)).toEqual(['p-file', 'p-env', 'p-opt']);
  });

  it('federation settings without a project ID, or outside Node, are ConfigErrors', async () => {
    const { dir } = await home('[basic]\nidp_id = idp-ci\nid_token_file = /run/id-token\n');
    const noProject = await failureOf(
      profileLink({ federation: () => ({}) as CredentialProvider }).resolve(ctx({ HOME: dir })),
    );
    expect(noProject.message).toMatch(/need a project ID .*add project_id to the section/);
    const noNode = await failureOf(profileLink().resolve(ctx({ HOME: dir })));
    expect(noNode.message).toMatch(/only works in Node/);
  });

  it('after the server refuses the keys, the file is read again: new keys are used, the same ones are an error', async () => {
    const { dir, file } = await home(`[basic]\nak = ${AK}\nsk = ${SK}\n`);
    const { provider } = hit(await profileLink().resolve(ctx({ HOME: dir })));
    const first = await provider.get();
    provider.invalidate(first);
    const error = await failureOf(provider.get());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(`refused as expired or invalid: put current keys \\(ak, sk\\) in \\[basic\\] in ${file}`),
    );
    await writeFile(file, `[basic]\nak = ${AK}2\nsk = ${SK}2\n`);
    expect(await provider.get()).toMatchObject({ accessKey: `${AK}2`, secretKey: `${SK}2` });
  });

  it('is not read until asked, and reads nothing when neither HOME nor the variable is set', async () => {
    expect(await profileLink().resolve(ctx({}))).toEqual({
      reason: 'neither HUAWEICLOUD_SDK_CREDENTIALS_FILE nor HOME is set',
    });
  });
});
