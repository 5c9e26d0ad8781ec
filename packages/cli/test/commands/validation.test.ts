// Bad input ends the run with exit 2 and one clear message, before anything is sent.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  CREATE,
  created,
  DOWNLOAD,
  succeeded,
  TASK,
  zipFile,
  type ScriptedServer,
} from '../support/scripted-server.js';
import { makeCertificate, startApi } from '../support/proxy-servers.js';
import { entries, jsonOf, runCli, scripted, SECRET_ENV, STDIN_TOKEN, tempDir } from '../support/run-cli.js';
import { specColumnKeys } from '../support/spec.js';

const exportColumnKeys = specColumnKeys();

async function server(): Promise<ScriptedServer> {
  return scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] });
}

function containers(s: ScriptedServer, dir: string, ...args: string[]) {
  return runCli(['containers', '--endpoint', s.url, '--poll-interval', '20ms', ...args], { cwd: dir });
}

function expectUsage(r: { code: number | null; stderr: string; stdout: string }, message: string | RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message,
  );
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('usage and validation errors (exit 2, nothing sent)', () => {
  it('an unknown column key is rejected with the list of valid keys', async () => {
    const s = await server();
    const r = await containers(s, tempDir(), '--column', 'container_name', '--column', 'namespace');
    expectUsage(r, `hss-export: unknown column key "namespace"; valid keys are: ${exportColumnKeys.join(', ')}`);
    expect(r.stderr).toContain('Run "hss-export containers --help" for usage.');
    expect(s.received).toHaveLength(0);
  });

  it('an existing --out without --force is refused before the task is created', async () => {
    const s = await server();
    const dir = tempDir();
    writeFileSync(join(dir, 'x.zip'), 'precious');
    const r = await containers(s, dir, '--out', 'x.zip');
    expectUsage(
      r,
      `${join(dir, 'x.zip')} already exists; pass --force to replace it, or choose another --out. Nothing was sent.`,
    );
    expect(s.received).toHaveLength(0);
    expect(readFileSync(join(dir, 'x.zip'), 'utf8')).toBe('precious');
  });

  it.each([
    [['--created-after', 'last tuesday'], '--created-after must be an ISO 8601 date'],
    [['--created-before', '2026-02-30'], 'there is no such date or time'],
    [
      ['--created-after', '2026-02-01', '--created-before', '2026-01-01'],
      '--created-after (2026-02-01) is later than --created-before (2026-01-01)',
    ],
    [['--timeout', 'forever'], '--timeout must be a duration such as 90s'],
    [['--export-size', 'lots'], '--export-size must be a whole number'],
    [['--bogus'], 'unknown option --bogus'],
    [['--out'], '--out needs a value'],
    [['--no-wait', '--out', 'x.zip'], '--out has no effect with --no-wait'],
    [['--region', 'ap-southeast-1'], '--region and --endpoint are alternatives'],
    [['--mock'], '--mock runs against a local Prism mock: leave out --region and --endpoint'],
    [['--token', 'abc'], 'there is no --token option: credentials never go in flags'],
    // Under the client's floor: refused before the task is created, not once it exists.
    [['--poll-interval', '5ms'], '--poll-interval must be at least 10ms against http://127.0.0.1:'],
    [['extra'], 'unexpected argument "extra"'],
  ])('%j', async (args, message) => {
    const s = await server();
    const r = await containers(s, tempDir(), ...args);
    expectUsage(r, message);
    expect(s.received).toHaveLength(0);
  });

  it('the spec rules, checked by the client before sending: every problem listed, named by its flag', async () => {
    const s = await server();
    const r = await containers(
      s,
      tempDir(),
      '--export-size',
      '100001',
      '--status',
      'running',
      '--cluster-type',
      'k8s',
      '--container-name',
      '',
    );
    expectUsage(r, 'hss-export: invalid request, nothing was sent:');
    expect(r.stderr).toContain('  - --export-size must be at most 100000 (got 100001)');
    expect(r.stderr).toContain(
      '  - --status must be one of Running, Waiting, Terminated, Isolated, Paused (got "running")',
    );
    expect(r.stderr).toContain(
      '  - --cluster-type must be one of cce, ali, tencent, azure, aws, self_built_hw, self_built_idc (got "k8s")',
    );
    expect(r.stderr).toContain('  - --container-name must have at least 1 character (got 0)');
    expect(s.received).toHaveLength(0);
  });

  it('--export-size 0 is below the spec minimum', async () => {
    const s = await server();
    const r = await containers(s, tempDir(), '--export-size', '0');
    expectUsage(r, '--export-size must be at least 1 (got 0)');
    expect(s.received).toHaveLength(0);
  });

  it('with --json, a usage error is still one JSON object on stdout', async () => {
    const s = await server();
    const r = await containers(s, tempDir(), '--column', 'nope', '--json');
    expect(r.code).toBe(2);
    expect(jsonOf(r)).toMatchObject({
      task_id: null,
      error: { exit_code: 2, type: 'UsageError', message: expect.stringContaining('unknown column key "nope"') },
    });
  });

  it('no credentials: names the variables to set', async () => {
    const s = await server();
    const r = await runCli(['containers', '--endpoint', s.url, '--project-id', 'p'], { env: {} });
    // The client's provider chain: every source it looked in, in order, and why each gave nothing.
    expectUsage(r, 'no credentials found; looked in this order');
    for (const source of ['the credentials option', 'environment variables', 'profile file', 'instance metadata']) {
      expect(r.stderr).toContain(source);
    }
    expect(r.stderr).toContain('HUAWEICLOUD_SDK_AK');
    expect(r.stderr).toContain('--token-stdin');
  });

  it('no region or endpoint: suggests --region and --mock', async () => {
    const r = await runCli(['containers'], { env: { HSS_EXPORT_TOKEN: 'x'.repeat(20) } });
    expectUsage(r, 'no region: pass --region');
    expect(r.stderr).toContain('--mock');
  });

  it('no project: names --project-id and HUAWEICLOUD_SDK_PROJECT_ID', async () => {
    const r = await runCli(['containers', '--region', 'ap-southeast-1'], { env: { HSS_EXPORT_TOKEN: 'x'.repeat(20) } });
    expectUsage(r, 'no project ID: pass --project-id, set HUAWEICLOUD_SDK_PROJECT_ID');
  });

  it("an unknown region lists the known ones (the client's ConfigError)", async () => {
    const r = await runCli(['containers', '--region', 'mars-1', '--project-id', 'p'], {
      env: { HSS_EXPORT_TOKEN: 'x'.repeat(20) },
    });
    expectUsage(r, /unknown region "mars-1"; HSS is offered in: .*ap-southeast-1/);
  });

  it('a plain-http endpoint that is not loopback is refused', async () => {
    const r = await runCli(['containers', '--endpoint', 'http://hss.example.com', '--project-id', 'p']);
    expectUsage(r, 'endpoint must use https://');
  });
});

describe('--poll-interval under the floor of the endpoint', () => {
  it('status --wait: exit 2, nothing sent', async () => {
    const s = await server();
    const r = await runCli(['status', 'task-1', '--wait', '--endpoint', s.url, '--poll-interval', '9ms']);
    expectUsage(r, `--poll-interval must be at least 10ms against ${s.url} (got 9ms)`);
    expect(s.received).toHaveLength(0);
  });

  it('an https endpoint: at least 1s, before the task is created', async () => {
    const cert = makeCertificate();
    onTestFinished(() => cert.remove());
    const api = await startApi({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] }, cert);
    onTestFinished(() => api.close());
    const dir = tempDir();
    const r = await runCli(
      ['containers', '--endpoint', api.url, '--poll-interval', '500ms', '--out', join(dir, 'x.zip')],
      {
        env: { ...SECRET_ENV, NODE_EXTRA_CA_CERTS: cert.certPath },
      },
    );
    expectUsage(r, `--poll-interval must be at least 1s against ${api.url} (got 500ms)`);
    expect(api.received).toEqual([]);
    expect(entries(dir)).toEqual([]);
  });
});

describe('--token-stdin', () => {
  it('sends the piped token as X-Auth-Token, ignoring the environment', async () => {
    const s = await server();
    const dir = tempDir();
    const r = await runCli(
      [
        'containers',
        '--endpoint',
        s.url,
        '--project-id',
        'p',
        '--token-stdin',
        '--poll-interval',
        '20ms',
        '--out',
        join(dir, 'a.zip'),
      ],
      {
        input: `${STDIN_TOKEN}\n`,
      },
    );
    expect(r.code).toBe(0);
    expect(s.received.map((q) => q.headers['x-auth-token'])).toEqual([STDIN_TOKEN, STDIN_TOKEN, STDIN_TOKEN]);
    expect(s.received.every((q) => q.headers.authorization === undefined)).toBe(true);
    expect(entries(dir)).toEqual(['a.zip']);
  });

  it('an empty stdin is a usage error', async () => {
    const s = await server();
    const r = await runCli(['containers', '--endpoint', s.url, '--project-id', 'p', '--token-stdin'], { input: '' });
    expectUsage(r, '--token-stdin: stdin was empty');
    expect(s.received).toHaveLength(0);
  });
});
