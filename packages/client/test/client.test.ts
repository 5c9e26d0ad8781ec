// The client's behaviour end to end against a scripted local server: validation before
// sending, typed errors, waiting for the export, streaming the file.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ExportFailedError,
  ExportTimeoutError,
  MalformedResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
  AbortError,
  type ExportProgress,
} from '../src/index.js';
import { CREATE, DOWNLOAD, rejectionOf, SEED, setup, TASK } from './support/clients.js';

const task = (task_status: string, extra: object = {}) => ({
  status: 200,
  body: { task_id: 't1', task_name: 'n', task_status, ...extra },
});
const success = task('success', { file_id: 'f1', file_name: 'hss-containers.zip' });

describe('validation before sending', () => {
  it('rejects a bad request with every problem listed, and sends nothing', async () => {
    const { server, client } = await setup({ [CREATE]: [{ status: 200, body: { task_id: 'x' } }] });
    const error = await rejectionOf(
      client.createContainerExportTask({
        export_headers: [['bogus', 'B'], ['container_name']],
        status: 'running',
        containerName: 'typo',
        export_size: 0,
      } as never),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual(
      expect.arrayContaining([
        'export_size minimum',
        'export_headers[0][0] columnKeys',
        'export_headers[1] minItems',
        'status enum',
        'containerName unknown',
      ]),
    );
    expect(error.message).toContain('nothing was sent');
    expect(server.received).toHaveLength(0);
  });

  it('checks path parameters of the status and download calls too', async () => {
    const { server, client } = await setup({});
    expect(await rejectionOf(client.getExportTask({ task_id: 'x'.repeat(65) }))).toBeInstanceOf(ValidationError);
    expect(await rejectionOf(client.downloadExportedFile({ file_id: '' }))).toBeInstanceOf(ValidationError);
    expect(server.received).toHaveLength(0);
  });
});

describe('typed errors', () => {
  const cases = [
    [400, BadRequestError, 'HSS.0001'],
    [401, AuthenticationError, 'APIGW.0307'],
    [403, PermissionDeniedError, 'APIGW.0302'],
    [404, NotFoundError, 'APIGW.0101'],
    [429, RateLimitError, 'APIGW.0308'],
    [500, ServerError, 'APIGW.0601'],
    [503, ServerError, 'APIGW.0613'],
    [418, ApiError, 'X.1'],
  ] as const;
  it.each(cases)('HTTP %i becomes %o with code, message and request id', async (status, Class, code) => {
    const { client } = await setup(
      { [TASK]: [{ status, body: { error_code: code, error_msg: 'why' }, headers: { 'X-Request-Id': 'req-42' } }] },
      { maxRetries: 0 },
    );
    const error = await rejectionOf(client.getExportTask({ task_id: 't1' }));
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({
      status,
      errorCode: code,
      errorMsg: 'why',
      requestId: 'req-42',
      operation: 'getExportTask',
    });
    expect(error.message).toBe(`getExportTask failed with HTTP ${status} ${code}: why (request id req-42)`);
  });

  it("falls back to the body's request_id and keeps a non-JSON body as text", async () => {
    const { client } = await setup({
      [TASK]: [{ status: 404, body: { error_code: 'A', error_msg: 'b', request_id: 'in-body' } }],
    });
    expect(await rejectionOf(client.getExportTask({ task_id: 't1' }))).toMatchObject({ requestId: 'in-body' });
    const html = await setup({ [TASK]: [{ status: 502, body: '<html>bad gateway</html>' }] }, { maxRetries: 0 });
    expect(await rejectionOf(html.client.getExportTask({ task_id: 't1' }))).toMatchObject({
      body: '<html>bad gateway</html>',
      errorCode: undefined,
    });
  });

  it('a 200 with malformed JSON is a MalformedResponseError, not a crash', async () => {
    const { client } = await setup({
      [CREATE]: [{ status: 200, body: '{"task_id": "t', headers: { 'X-Request-Id': 'r1' } }],
    });
    const error = await rejectionOf(client.createContainerExportTask(SEED));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({ status: 200, requestId: 'r1' });
  });

  it('a 200 without task_id is rejected', async () => {
    const { client } = await setup({ [CREATE]: [{ status: 200, body: {} }] });
    expect(await rejectionOf(client.createContainerExportTask(SEED))).toBeInstanceOf(MalformedResponseError);
  });
});

describe('waiting for the export', () => {
  it('polls running -> running -> success and reports progress', async () => {
    const { server, client } = await setup({ [TASK]: [task('running'), task('running'), success] });
    const progress: ExportProgress[] = [];
    const result = await client.waitForExportTask('t1', { pollIntervalMs: 20, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ taskId: 't1', fileId: 'f1', fileName: 'hss-containers.zip' });
    expect(progress.map((p) => [p.status, p.polls])).toEqual([
      ['running', 1],
      ['running', 2],
      ['success', 3],
    ]);
    expect(server.received).toHaveLength(3);
  });

  it('exportContainers creates exactly one task, then waits for it', async () => {
    const { server, client } = await setup({
      [CREATE]: [{ status: 200, body: { task_id: 't1' } }],
      [TASK]: [task('running'), success],
    });
    await expect(client.exportContainers({ ...SEED, export_size: 10 }, { pollIntervalMs: 10 })).resolves.toMatchObject({
      fileId: 'f1',
    });
    expect(server.to('/container/export-task')).toHaveLength(1);
    expect(server.to('/export-task/t1')).toHaveLength(2);
  });

  it('a task that ends in failure raises ExportFailedError with the task id', async () => {
    const { client } = await setup({ [TASK]: [task('running'), task('failure')] });
    const error = await rejectionOf(client.waitForExportTask('t1', { pollIntervalMs: 10 }));
    expect(error).toBeInstanceOf(ExportFailedError);
    expect(error).toMatchObject({ taskId: 't1' });
  });

  it('giving up raises ExportTimeoutError carrying the task id to resume with', async () => {
    const { client } = await setup({ [TASK]: [task('running')] });
    // The deadline also cuts a poll in flight, so it must leave room for the first answer even
    // when CI runs every suite at once (100 ms was not enough there).
    const error = await rejectionOf(client.waitForExportTask('t1', { pollIntervalMs: 30, timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(ExportTimeoutError);
    expect(error).toMatchObject({ taskId: 't1', lastStatus: 'running', timeoutMs: 2000 });
    expect(error.message).toContain('waitForExportTask("t1")');
  });

  it('an abort while waiting carries the task id too', async () => {
    const { client } = await setup({ [TASK]: [task('running')] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejectionOf(
      client.waitForExportTask('t1', { pollIntervalMs: 1000, signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ taskId: 't1' });
  });

  it('an unknown task_status is reported, not polled forever', async () => {
    const { client } = await setup({ [TASK]: [task('queued')] });
    expect(await rejectionOf(client.waitForExportTask('t1', { pollIntervalMs: 10 }))).toBeInstanceOf(
      MalformedResponseError,
    );
  });
});

describe('download', () => {
  it('returns the body as a web ReadableStream with its size and request id', async () => {
    const zip = Buffer.from(`PK\x05\x06${'\0'.repeat(18)}`, 'latin1');
    const { client } = await setup({
      [DOWNLOAD]: [
        (res) =>
          res
            .writeHead(200, {
              'Content-Type': 'application/octet-stream',
              'Content-Length': zip.length,
              'X-Request-Id': 'd1',
            })
            .end(zip),
      ],
    });
    const file = await client.downloadExportedFile({ file_id: 'f1' });
    expect(file.body).toBeInstanceOf(ReadableStream);
    expect(file).toMatchObject({ size: 22, requestId: 'd1' });
    const bytes = Buffer.from(await new Response(file.body).arrayBuffer());
    expect(bytes.equals(zip)).toBe(true);
  });
});

describe('no credential ever appears in an error', async () => {
  const { SECRETS, SK, SECURITY_TOKEN, TOKEN } = await import('./support/clients.js');
  const leaks = (error: unknown) => {
    const views = [
      String(error),
      (error as Error).stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
    ];
    return SECRETS.filter((s) => views.some((v) => v.includes(s)));
  };
  const ak = { credentials: { accessKey: 'AK', secretKey: SK, securityToken: SECURITY_TOKEN } };
  const scenarios: Array<[string, () => Promise<unknown>]> = [
    [
      'an API error whose body echoes the token',
      async () => {
        const { client } = await setup({
          [TASK]: [{ status: 401, body: { error_code: 'APIGW.0301', error_msg: `bad token ${TOKEN}` } }],
        });
        return client.getExportTask({ task_id: 't1' });
      },
    ],
    [
      'an API error whose body echoes the secret key and security token',
      async () => {
        const { client } = await setup(
          { [TASK]: [{ status: 401, body: { error_code: 'APIGW.0301', error_msg: `bad ${SK} / ${SECURITY_TOKEN}` } }] },
          ak,
        );
        return client.getExportTask({ task_id: 't1' });
      },
    ],
    [
      'a signed request rejected with 403',
      async () => {
        const { client } = await setup(
          {
            [TASK]: [
              (res, req) =>
                res
                  .writeHead(403)
                  .end(JSON.stringify({ error_code: 'x', error_msg: String(req.headers['x-security-token']) })),
            ],
          },
          ak,
        );
        return client.getExportTask({ task_id: 't1' });
      },
    ],
    [
      'a connection reset',
      async () => {
        const { client } = await setup({ [CREATE]: [{ reset: true }] }, ak);
        return client.createContainerExportTask(SEED);
      },
    ],
    [
      'a timeout',
      async () => {
        const { client } = await setup(
          { [TASK]: [{ status: 200, body: {}, delayMs: 1000 }] },
          { timeoutMs: 50, maxRetries: 0 },
        );
        return client.getExportTask({ task_id: 't1' });
      },
    ],
    [
      'a validation error quoting a value that is a credential',
      async () => {
        const { client } = await setup({}, ak);
        return client.createContainerExportTask({
          export_headers: [
            [SK, 'x'],
            [SECURITY_TOKEN, 'y'],
          ],
        } as never);
      },
    ],
    [
      'a validation error quoting the token',
      async () => {
        const { client } = await setup({});
        return client.createContainerExportTask({ export_headers: [[TOKEN, 'x']] } as never);
      },
    ],
    [
      'a validation error on the first call quoting a token from the environment',
      async () => {
        const { client } = await setup({}, { credentials: undefined, env: { HSS_EXPORT_TOKEN: TOKEN } });
        return client.createContainerExportTask({ export_headers: [[TOKEN, 'x']] } as never);
      },
    ],
    [
      'a failed export',
      async () => {
        const { client } = await setup({ [TASK]: [task('failure')] }, ak);
        return client.waitForExportTask('t1');
      },
    ],
  ];
  it.each(scenarios)('%s', async (_name, run) => {
    const error = await rejectionOf(run());
    expect(error).toBeInstanceOf(Error);
    expect(leaks(error)).toEqual([]);
  });
});
