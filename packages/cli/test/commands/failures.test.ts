// Failure paths against a scripted server: each ends with its documented exit code, one
// clear message (error_code, error_msg, request id), no stack trace and no partial file.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
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
  type Step,
} from '../support/scripted-server.js';
import { entries, jsonOf, runCli, scripted, tempDir } from '../support/run-cli.js';

const FAST = ['--poll-interval', '20ms'];

async function run(routes: Record<string, Step[]>, ...args: string[]) {
  const server = await scripted(routes);
  const dir = tempDir();
  const result = await runCli([
    'containers',
    '--endpoint',
    server.url,
    ...FAST,
    '--out',
    join(dir, 'out.zip'),
    ...args,
  ]);
  return { server, dir, result };
}

function expectNoStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toContain('debug:');
}

describe('failure paths', () => {
  it('a task that ends in failure: exit 4, the task id, nothing downloaded', async () => {
    const {
      result: r,
      dir,
      server,
    } = await run({
      [CREATE]: [created()],
      [TASK]: [
        running(),
        { status: 200, body: { task_id: 'task-1', task_name: 'container_export_task', task_status: 'failure' } },
      ],
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('hss-export: export task task-1 ended with task_status "failure"');
    expect(r.stdout).toBe('');
    expect(entries(dir)).toEqual([]);
    expect(server.to(DOWNLOAD)).toHaveLength(0);
    expectNoStack(r.stderr);
  });

  it('the wait times out: exit 5, the task id and how to resume', async () => {
    const { result: r, dir } = await run(
      { [CREATE]: [created('task-slow')], [TASK]: [running('task-slow')] },
      '--timeout',
      '1s',
      '--json',
    );
    expect(r.code).toBe(5);
    // "not finished" if a loaded machine did not get one poll answered within the second.
    expect(r.stderr).toMatch(
      /hss-export: export task task-slow was still (running|not finished) after 1s \(--timeout\)/,
    );
    expect(r.stderr).toMatch(/Resume with: hss-export status task-slow --wait --endpoint http:\/\/127\.0\.0\.1:\d+/);
    expect(jsonOf(r)).toMatchObject({
      task_id: 'task-slow',
      path: null,
      error: { exit_code: 5, type: 'ExportTimeoutError' },
    });
    expect(entries(dir)).toEqual([]);
    expectNoStack(r.stderr);
  });

  it('429 then success: retried, exactly one task created', async () => {
    const throttled = apiError(429, 'APIGW.0308', 'The throttling threshold has been reached', 'req-429', {
      'Retry-After': '0',
    });
    const {
      result: r,
      server,
      dir,
    } = await run({ [CREATE]: [throttled, created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] });
    expect(r.code).toBe(0);
    const posts = server.received.filter((q) => q.method === 'POST');
    expect(posts).toHaveLength(2); // the throttled one and the one that created the task
    expect(r.stderr.match(/Created export task/g)).toHaveLength(1);
    expect(entries(dir)).toEqual(['out.zip']);
  });

  it('429 every time: exit 3 with error_code, error_msg and request id', async () => {
    const throttled = apiError(429, 'APIGW.0308', 'The throttling threshold has been reached', 'req-429', {
      'Retry-After': '0',
    });
    const { result: r, server } = await run({ [CREATE]: [throttled] });
    expect(r.code).toBe(3);
    expect(server.received).toHaveLength(3); // the first try and the client's 2 retries
    expect(r.stderr).toContain('hss-export: the API answered HTTP 429 while creating the export task');
    expect(r.stderr).toContain('error_code: APIGW.0308');
    expect(r.stderr).toContain('error_msg:  The throttling threshold has been reached');
    expect(r.stderr).toContain('request id: req-429');
    expectNoStack(r.stderr);
  });

  it('401: exit 3, the API error and a hint about credentials; --json carries the fields', async () => {
    const { result: r } = await run(
      { [CREATE]: [apiError(401, 'APIGW.0301', 'Incorrect IAM authentication information', 'req-401')] },
      '--json',
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Check the credentials');
    expect(jsonOf(r)).toMatchObject({
      task_id: null,
      error: {
        exit_code: 3,
        type: 'AuthenticationError',
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information',
        request_id: 'req-401',
      },
    });
  });

  it('a 500 on create is not retried (it could duplicate the export) and says so', async () => {
    const { result: r, server } = await run({ [CREATE]: [apiError(500, 'HSS.0004', 'Internal error', 'req-500')] });
    expect(r.code).toBe(3);
    expect(server.received).toHaveLength(1);
    expect(r.stderr).toContain('The export task may have been created anyway');
  });

  it('an error while polling names the task to resume', async () => {
    const { result: r } = await run({
      [CREATE]: [created('task-7')],
      [TASK]: [apiError(403, 'HSS.0003', 'No permission', 'req-403')],
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('while checking the export task');
    expect(r.stderr).toContain(
      'Export task task-7 keeps running on the server. Resume with: hss-export status task-7 --wait',
    );
  });

  it('malformed JSON from the API: exit 3', async () => {
    const { result: r } = await run({
      [CREATE]: [{ status: 200, body: 'not json{', headers: { 'X-Request-Id': 'req-bad' } }],
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('unexpected answer from the API');
    expect(r.stderr).toContain('req-bad');
  });

  it('nothing listening: exit 3, connection refused', async () => {
    const server = await scripted({});
    const url = server.url;
    await server.close();
    const dir = tempDir();
    const r = await runCli(['containers', '--endpoint', url, '--out', join(dir, 'x.zip')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain('Check --region/--endpoint');
    expectNoStack(r.stderr);
  });

  it('a truncated download: exit 6, no file and no temporary file left', async () => {
    const truncated = (res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000' });
      res.write(Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(96)]));
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const { result: r, dir } = await run(
      { [CREATE]: [created()], [TASK]: [succeeded('task-1', 'file-1')], [DOWNLOAD]: [truncated] },
      '--json',
    );
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(
      /hss-export: download failed \(TRUNCATED\): Download of \S+ broke off after 100 of 1000 bytes: .*\bterminated; no partial file was left/,
    );
    expect(r.stderr).toContain('The file is ready on the server. Download it with: hss-export download file-1 --out');
    expect(jsonOf(r)).toMatchObject({
      task_id: 'task-1',
      file_id: 'file-1',
      path: null,
      bytes: null,
      error: { exit_code: 6 },
    });
    expect(entries(dir)).toEqual([]);
    expectNoStack(r.stderr);
  });

  it('a download without Content-Length is accepted when it is a complete zip', async () => {
    const short: Step = { status: 200, body: EMPTY_ZIP, headers: { 'Content-Type': 'application/octet-stream' } };
    const { result: r, dir } = await run(
      { [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [short] },
      '--column',
      'risky',
    );
    expect(r.code).toBe(0);
    expect(entries(dir)).toEqual(['out.zip']);
  });
});
