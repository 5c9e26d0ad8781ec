// Credentials that no HTTP header can carry, and a password in --endpoint: refused with
// exit 2 before anything is sent, and never printed (not with --debug, not in --json).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, jsonOf, PROJECT, runCli, scripted, tempDir } from './support/run-cli.js';
import { CREATE, created, DOWNLOAD, succeeded, TASK, zipFile } from './support/scripted-server.js';

// Distinctive parts, so that finding one in the output can only mean a leak.
const CRLF_TOKEN = 'tok-SECRET-crlf-6b1e\r\nX-Injected: yes';
const SPACE_AK = 'AKID-SECRET space-91c4';
const SK = 'sk-SECRET-for-space-ak-2f7d';
const PASSWORD = 'secretpw';

function expectNothingPrinted(r: CliResult, ...secrets: string[]) {
  // --json: one object naming the error, whatever the command.
  expect(jsonOf(r)).toMatchObject({ error: { exit_code: 2, type: 'ConfigError' } });
  for (const text of [r.stdout, r.stderr]) for (const secret of secrets) expect(text).not.toContain(secret);
}

async function server() {
  return scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] });
}

// Every command that reaches the API, each given what it needs to get that far.
const COMMANDS: [string, (dir: string) => string[]][] = [
  ['containers', (dir) => ['containers', '--out', join(dir, 'x.zip')]],
  ['status', () => ['status', 'task-1']],
  ['download', (dir) => ['download', 'file-1', '--out', join(dir, 'x.zip')]],
  ['get-export-task', () => ['get-export-task', '--task-id', 'task-1']],
  ['create-container-export-task', () => ['create-container-export-task', '--export-headers', '[["risky","Risk"]]']],
  ['download-exported-file', (dir) => ['download-exported-file', '--file-id', 'file-1', '--out', join(dir, 'x.zip')]],
];

describe.each(COMMANDS)('%s', (_, args) => {
  it('a token with CR/LF (HSS_EXPORT_TOKEN): exit 2, nothing sent, not printed', async () => {
    const s = await server();
    const dir = tempDir();
    const r = await runCli([...args(dir), '--endpoint', s.url, '--debug', '--json'], {
      env: { HSS_EXPORT_TOKEN: CRLF_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hss-export: HSS_EXPORT_TOKEN contains a space, a control character');
    expect(s.received).toEqual([]);
    expectNothingPrinted(r, 'tok-SECRET-crlf', 'X-Injected');
  });

  it('an AK with a space (HUAWEICLOUD_SDK_AK): exit 2, nothing sent, not printed', async () => {
    const s = await server();
    const dir = tempDir();
    const r = await runCli([...args(dir), '--endpoint', s.url, '--debug', '--json'], {
      env: { HUAWEICLOUD_SDK_AK: SPACE_AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hss-export: HUAWEICLOUD_SDK_AK contains a space');
    expect(s.received).toEqual([]);
    expectNothingPrinted(r, 'AKID-SECRET', 'space-91c4', SK);
  });

  it.each([
    ['to the test server', (port: number) => `http://u:${PASSWORD}@127.0.0.1:${port}`],
    ['to port 1, over https', () => `https://u:${PASSWORD}@127.0.0.1:1`],
  ])('--endpoint with user:password@, %s: exit 2, nothing sent, the password not printed', async (_, endpoint) => {
    const s = await server();
    const dir = tempDir();
    const r = await runCli([...args(dir), '--endpoint', endpoint(Number(new URL(s.url).port)), '--debug', '--json'], {
      env: { HSS_EXPORT_TOKEN: 'tok-plain-0a9b8c', HUAWEICLOUD_SDK_PROJECT_ID: PROJECT },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hss-export: endpoint must not carry a user name or password');
    expect(s.received).toEqual([]);
    expectNothingPrinted(r, PASSWORD);
  });
});
