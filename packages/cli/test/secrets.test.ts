// Credentials never appear in any output: not in errors, not with --debug, not even when
// the server echoes them back. (setup.ts checks every test's output as well; these are
// the scenarios most likely to leak.)
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { apiError, CREATE, created, DOWNLOAD, succeeded, TASK, zipFile, type Step } from './support/scripted-server.js';
import { AK, runCli, scripted, SECRETS, SECURITY_TOKEN, SK, STDIN_TOKEN, tempDir, TOKEN } from './support/run-cli.js';

function expectNoSecrets(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('secrets', () => {
  it('--debug on success shows the endpoint and auth kind, never the values', async () => {
    const dir = tempDir();
    const r = await runCli([
      'containers',
      '--endpoint',
      inject('prismUrl'),
      '--poll-interval',
      '20ms',
      '--out',
      join(dir, 'a.zip'),
      '--debug',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('debug: endpoint http://127.0.0.1:');
    expect(r.stderr).toContain(
      'credentials from environment (HUAWEICLOUD_SDK_AK/SK and HUAWEICLOUD_SDK_SECURITY_TOKEN), project project-1 from HUAWEICLOUD_SDK_PROJECT_ID (values hidden)',
    );
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('--debug on an API error that echoes every credential back: stack and fields, secrets redacted', async () => {
    const echo: Step = (res, req) => {
      res.writeHead(401, { 'Content-Type': 'application/json', 'X-Request-Id': 'req-echo' });
      res.end(
        JSON.stringify({
          error_code: 'APIGW.0301',
          error_msg: `bad auth ${req.headers.authorization} ${SK} ${SECURITY_TOKEN} ${TOKEN}`,
        }),
      );
    };
    const server = await scripted({ [CREATE]: [echo] });
    const r = await runCli([
      'containers',
      '--endpoint',
      server.url,
      '--out',
      join(tempDir(), 'a.zip'),
      '--debug',
      '--json',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('debug: AuthenticationError');
    expect(r.stderr).toMatch(/\n\s+at /); // --debug shows the stack
    expect(r.stderr).toContain('[REDACTED]');
    expectNoSecrets(r.stdout + r.stderr);
    expect(r.stdout + r.stderr).not.toContain(AK);
  });

  it('a token from stdin is redacted too', async () => {
    const echo: Step = (res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'HSS.0001', error_msg: `token ${STDIN_TOKEN} rejected` }));
    };
    const server = await scripted({ [CREATE]: [echo] });
    const r = await runCli(
      [
        'containers',
        '--endpoint',
        server.url,
        '--project-id',
        'p',
        '--token-stdin',
        '--debug',
        '--out',
        join(tempDir(), 'a.zip'),
      ],
      {
        env: {},
        input: STDIN_TOKEN,
      },
    );
    expect(r.code).toBe(3);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('the happy path with every kind of credential set prints none of them', async () => {
    const server = await scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] });
    const r = await runCli([
      'containers',
      '--endpoint',
      server.url,
      '--poll-interval',
      '20ms',
      '--out',
      join(tempDir(), 'a.zip'),
      '--debug',
      '--json',
    ]);
    expect(r.code).toBe(0);
    // AK/SK wins over the token: the request is signed.
    expect(server.received[0]!.headers.authorization).toMatch(/^SDK-HMAC-SHA256 Access=/);
    expect(server.received[0]!.headers['x-security-token']).toBe(SECURITY_TOKEN);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('an unexpected failure with --debug prints the stack without secrets', async () => {
    const server = await scripted({ [CREATE]: [apiError(418, 'X.1', `teapot ${SK}`)] });
    const r = await runCli(['containers', '--endpoint', server.url, '--out', join(tempDir(), 'a.zip'), '--debug']);
    expect(r.code).toBe(3);
    expectNoSecrets(r.stdout + r.stderr);
  });
});
