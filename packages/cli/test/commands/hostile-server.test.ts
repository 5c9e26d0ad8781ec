// A server that answers what the spec does not allow, or tries to steer the client: the
// built CLI against scripted servers on 127.0.0.1. Each answer ends in a documented exit
// code with a message of our own, never a crash, a followed redirect or a forged line.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  apiError,
  CREATE,
  created,
  DOWNLOAD,
  EMPTY_ZIP,
  running,
  succeeded,
  TASK,
  zipFile,
  type ScriptedServer,
  type Step,
} from '../support/scripted-server.js';
import { type CliResult, entries, jsonOf, runCli, scripted, tempDir } from '../support/run-cli.js';

const FAST = ['--poll-interval', '20ms'];

function expectOwnMessage(r: CliResult) {
  expect(r.stderr).not.toContain('Cannot read properties');
  expect(r.stderr).not.toContain('unexpected error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('a redirect is never followed', () => {
  // Where the redirect points: it must see nothing, not even a request without credentials.
  async function target(): Promise<ScriptedServer> {
    return scripted({ '.': [created(), succeeded(), zipFile()] });
  }
  const redirect = (status: number, to: ScriptedServer, path: string): Step => ({
    status,
    body: '',
    headers: { Location: `${to.url}${path}` },
  });

  it.each([307, 302])('HTTP %i on create: exit 3, nothing sent to the target, no task polled', async (status) => {
    const other = await target();
    const s = await scripted({ [CREATE]: [redirect(status, other, '/v5/project-1/container/export-task')] });
    const dir = tempDir();
    const r = await runCli(['containers', '--endpoint', s.url, ...FAST, '--out', join(dir, 'x.zip')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `hss-export: createContainerExportTask: HTTP ${status} to ${other.url}, not followed: credentials and data stay with the endpoint`,
    );
    expect(r.stderr).toContain('Nothing was sent to the redirect target.');
    expectOwnMessage(r);
    expect(other.received).toEqual([]);
    // Not retried: a create is not idempotent, and a redirect is not a passing failure.
    expect(s.received.map((q) => q.method)).toEqual(['POST']);
    expect(entries(dir)).toEqual([]);
  });

  it.each([307, 302])('HTTP %i on status: exit 3, nothing sent to the target', async (status) => {
    const other = await target();
    const s = await scripted({ [TASK]: [redirect(status, other, '/v5/project-1/export-task/task-1')] });
    const r = await runCli(['status', 'task-1', '--endpoint', s.url, '--json']);
    expect(r.code).toBe(3);
    expect(jsonOf(r)).toMatchObject({ error: { exit_code: 3, type: 'RedirectError' } });
    expect(r.stderr).toContain(`getExportTask: HTTP ${status} to ${other.url}, not followed`);
    expectOwnMessage(r);
    expect(other.received).toEqual([]);
  });

  it.each([307, 302])('HTTP %i on download: exit 3, nothing sent to the target, no file', async (status) => {
    const other = await target();
    const s = await scripted({ [DOWNLOAD]: [redirect(status, other, '/v5/project-1/download/file-1')] });
    const dir = tempDir();
    const r = await runCli(['download', 'file-1', '--endpoint', s.url, '--out', join(dir, 'f.zip')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`downloadExportedFile: HTTP ${status} to ${other.url}, not followed`);
    expectOwnMessage(r);
    expect(other.received).toEqual([]);
    expect(entries(dir)).toEqual([]);
  });
});

describe('a task answer that breaks the spec: exit 3, never a crash', () => {
  const ODD: [string, unknown, RegExp][] = [
    ['an unknown task_status', { task_id: 'task-1', task_status: 'paused' }, /task_status must be one of success/],
    ['no task_status', { task_id: 'task-1', task_name: 'n' }, /task_status is required/],
    ['a JSON array', '[{"task_id":"task-1","task_status":"success"}]', /must be an object \(got an array\)/],
    ['JSON null', 'null', /must be an object \(got null\)/],
  ];
  const commands: [string, string[]][] = [
    ['status', ['status', 'task-1']],
    ['get-export-task', ['get-export-task', '--task-id', 'task-1']],
  ];

  describe.each(commands)('%s', (_, command) => {
    it.each(ODD)('%s', async (_what, body, why) => {
      const s = await scripted({ [TASK]: [{ status: 200, body, headers: { 'X-Request-Id': 'req-odd' } }] });
      const r = await runCli([...command, '--endpoint', s.url]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^hss-export: unexpected answer from the API: getExportTask: the HTTP 200 answer /m);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain('(request id req-odd)');
      expectOwnMessage(r);
      // A GET that answered is not retried.
      expect(s.received).toHaveLength(1);
    });

    it.each(ODD)('%s, with --json: one error object', async (_what, body) => {
      const s = await scripted({ [TASK]: [{ status: 200, body }] });
      const r = await runCli([...command, '--endpoint', s.url, '--json']);
      expect(r.code).toBe(3);
      expect(jsonOf(r)).toMatchObject({ error: { exit_code: 3, type: 'MalformedResponseError' } });
      expectOwnMessage(r);
    });
  });

  it('a created task_id of 65 characters: exit 3, the id not printed, no second task', async () => {
    const long = `t${'0123456789'.repeat(6)}abcd`;
    expect(long).toHaveLength(65);
    const s = await scripted({ [CREATE]: [created(long)], [TASK]: [succeeded(long)], [DOWNLOAD]: [zipFile()] });
    const dir = tempDir();
    const r = await runCli(['containers', '--endpoint', s.url, ...FAST, '--out', join(dir, 'x.zip'), '--json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('answer.task_id must have at most 64 characters (got 65)');
    expect(r.stderr).toContain('so an export task was created, but its ID could not be read');
    expect(r.stdout + r.stderr).not.toContain(long);
    expect(jsonOf(r)).toMatchObject({ task_id: null, error: { exit_code: 3, type: 'MalformedResponseError' } });
    expectOwnMessage(r);
    expect(s.received.map((q) => q.method)).toEqual(['POST']);
    expect(entries(dir)).toEqual([]);
  });
});

describe('a file answer that breaks the spec: exit 3, no file', () => {
  const gzipped = gzipSync(EMPTY_ZIP);
  it.each([
    [
      'gzip-encoded although identity was asked for',
      { status: 200, body: gzipped, headers: { 'Content-Encoding': 'gzip', 'Content-Length': String(gzipped.length) } },
      'the HTTP 200 answer came "gzip"-encoded although identity was asked for',
    ],
    [
      'HTTP 206 (a part of the file)',
      { status: 206, body: EMPTY_ZIP, headers: { 'Content-Range': `bytes 0-21/${EMPTY_ZIP.length}` } },
      'the HTTP 206 answer is not one the spec documents for downloadExportedFile (HTTP 200)',
    ],
  ] as [string, Step, string][])('%s', async (_, step, why) => {
    for (const command of [
      ['download', 'file-1'],
      ['download-exported-file', '--file-id', 'file-1'],
    ]) {
      const s = await scripted({ [DOWNLOAD]: [step] });
      const dir = tempDir();
      const r = await runCli([...command, '--endpoint', s.url, '--out', join(dir, 'f.zip')]);
      expect(r.code, command[0]).toBe(3);
      expect(r.stderr).toContain(`hss-export: unexpected answer from the API: downloadExportedFile: ${why}`);
      expectOwnMessage(r);
      expect(entries(dir)).toEqual([]);
    }
  });
});

describe('server text cannot forge a line of output or drive the terminal', () => {
  const EVIL = 'x\n hss-export: Saved /etc/passwd\u001b[31m';
  // The id limit is 64 characters, so a forged task_id must be shorter.
  const EVIL_ID = 't\nhss-export: Saved /etc/passwd\u001b[31m';

  function expectNoForgery(r: CliResult) {
    for (const [name, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      expect(text, `a forged line on ${name}`).not.toMatch(/^\s*hss-export: Saved \/etc\/passwd/m);
      expect(text, `an ESC byte on ${name}`).not.toContain('\u001b');
    }
  }

  const task = (status: string, more: Record<string, string> = {}): Step => ({
    status: 200,
    body: { task_id: 'task-1', task_name: EVIL, task_status: status, ...more },
  });

  it.each([
    ['success', { file_id: 'file-1', file_name: EVIL }, 0],
    ['running', {}, 0],
    ['failure', {}, 4],
  ] as const)('status: a task_name (and file_name) of a %s task', async (status, more, code) => {
    const s = await scripted({ [TASK]: [task(status, more)] });
    const r = await runCli(['status', 'task-1', '--endpoint', s.url]);
    expect(r.code).toBe(code);
    expectNoForgery(r);
    if (code === 0) expect(r.stdout).toContain('task_name:   x\\u000a hss-export: Saved /etc/passwd\\u001b[31m');
  });

  it('get-export-task: task_name and file_name in the key: value lines', async () => {
    const s = await scripted({ [TASK]: [task('success', { file_id: 'file-1', file_name: EVIL })] });
    const r = await runCli(['get-export-task', '--task-id', 'task-1', '--endpoint', s.url]);
    expect(r.code).toBe(0);
    expectNoForgery(r);
    expect(r.stdout).toContain('x\\u000a hss-export: Saved /etc/passwd\\u001b[31m');
  });

  it.each([
    ['status', ['status', 'task-1']],
    ['get-export-task', ['get-export-task', '--task-id', 'task-1']],
  ])('%s --json carries the original task_name', async (_, command) => {
    const s = await scripted({ [TASK]: [task('success', { file_id: 'file-1', file_name: EVIL })] });
    const r = await runCli([...command, '--endpoint', s.url, '--json']);
    expect(r.code).toBe(0);
    expectNoForgery(r);
    expect(jsonOf(r).file_name).toBe(EVIL);
    if (command[0] === 'get-export-task') expect(jsonOf(r).task_name).toBe(EVIL);
  });

  it.each([
    ['containers', ['containers', '--out', 'x.zip']],
    ['create-container-export-task', ['create-container-export-task', '--export-headers', '[["risky","Risk"]]']],
  ])('%s: error_code and error_msg of an API error', async (_, command) => {
    const s = await scripted({ [CREATE]: [apiError(400, `HSS.0001${EVIL}`, EVIL, 'req-evil')] });
    const dir = tempDir();
    const plain = await runCli([...command, '--endpoint', s.url], { cwd: dir });
    expect(plain.code).toBe(3);
    expect(plain.stderr).toContain('hss-export: the API answered HTTP 400 while ');
    expect(plain.stderr).toContain('  error_msg:  x\\u000a hss-export: Saved /etc/passwd\\u001b[31m\n');
    expectNoForgery(plain);
    const json = await runCli([...command, '--endpoint', s.url, '--json'], { cwd: dir });
    expect(json.code).toBe(3);
    expectNoForgery(json);
    expect(jsonOf(json).error).toMatchObject({ error_code: `HSS.0001${EVIL}`, error_msg: EVIL });
    expect(entries(dir)).toEqual([]);
  });

  it('status: error_msg of an API error while polling', async () => {
    const s = await scripted({ [TASK]: [apiError(404, 'HSS.1021', EVIL, 'req-404')] });
    const r = await runCli(['status', 'task-1', '--endpoint', s.url, '--wait', ...FAST]);
    expect(r.code).toBe(3);
    expectNoForgery(r);
  });

  it('containers --no-wait: a created task_id, printed on stdout for scripts', async () => {
    const s = await scripted({ [CREATE]: [created(EVIL_ID)] });
    const r = await runCli(['containers', '--endpoint', s.url, '--no-wait']);
    expect(r.code).toBe(0);
    expectNoForgery(r);
    expect(r.stdout).toBe('t\\u000ahss-export: Saved /etc/passwd\\u001b[31m\n');
    const json = await runCli(['containers', '--endpoint', s.url, '--no-wait', '--json']);
    expectNoForgery(json);
    expect(jsonOf(json).task_id).toBe(EVIL_ID);
  });

  it('containers: a created task_id that then fails (exit 4)', async () => {
    const s = await scripted({
      [CREATE]: [created(EVIL_ID)],
      [TASK]: [{ status: 200, body: { task_id: EVIL_ID, task_name: EVIL, task_status: 'failure' } }],
    });
    const dir = tempDir();
    const r = await runCli(['containers', '--endpoint', s.url, ...FAST, '--out', join(dir, 'x.zip')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ended with task_status "failure"');
    expectNoForgery(r);
    expect(entries(dir)).toEqual([]);
  });

  it('containers: a created task_id that keeps running past --timeout (exit 5)', async () => {
    const s = await scripted({ [CREATE]: [created(EVIL_ID)], [TASK]: [running(EVIL_ID)] });
    const dir = tempDir();
    const r = await runCli([
      'containers',
      '--endpoint',
      s.url,
      ...FAST,
      '--timeout',
      '1s',
      '--out',
      join(dir, 'x.zip'),
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Resume with: hss-export status');
    expectNoForgery(r);
    expect(entries(dir)).toEqual([]);
  });
});
