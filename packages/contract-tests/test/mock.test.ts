// startMock against the real Prism, driven by the real client: every scenario plays out as
// a user's test would see it, sessions running in parallel do not disturb each other, and
// every answer a scenario asks for is one the spec documents.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  type CreateContainerExportTaskParams,
  createHssClient,
  type ExportProgress,
  ExportFailedError,
  RateLimitError,
  ServerError,
} from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import {
  findScenario,
  OPERATIONS,
  readSession,
  type RunningMock,
  SCENARIOS,
  scenarioUrl,
  startMock,
} from '@hss-export/mock';
import { downloadExample } from './support/download-example.js';

const BODY: CreateContainerExportTaskParams = { export_headers: [['container_name', 'Container Name']] };
let mock: RunningMock;
let dir: string;

// Prism's start-up takes ~1.5 s alone, and far longer on a busy machine: startMock's own
// deadline (30 s by default) says what it waited for; this hook's only has to be longer.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hss-mock-test-'));
  mock = await startMock({ startTimeoutMs: 120_000 });
}, 180_000);
afterAll(async () => {
  await mock?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function client(endpoint: string, maxRetries = 2) {
  return createHssClient({ endpoint, projectId: 'p1', credentials: { token: 'anything' }, maxRetries });
}

/** Runs the export and returns the statuses the wait saw, or the error it ended with. */
async function exportAndWatch(endpoint: string) {
  const statuses: string[] = [];
  const onProgress = (p: ExportProgress) => statuses.push(p.status);
  const c = client(endpoint);
  try {
    const result = await c.exportContainers(BODY, { pollIntervalMs: 10, onProgress });
    return { statuses, result, client: c };
  } catch (error) {
    return { statuses, error, client: c };
  }
}

describe('startMock scenarios, through the client', () => {
  it('default: create, status success, download the zip to a file', async () => {
    const endpoint = mock.scenarioUrl('default');
    const { result, client: c, statuses } = await exportAndWatch(endpoint);
    expect(result).toEqual({ taskId: 'test', fileId: '6f1c2a3b-export-file', fileName: 'hss-container-export.zip' });
    expect(statuses).toEqual(['success']);
    const written = await downloadExportToFile(c, result!.fileId, join(dir, 'default.zip'));
    const example = await downloadExample();
    expect(written.bytes).toBe(example.length);
    expect(readFileSync(join(dir, 'default.zip'))).toEqual(example);
    expect((await readSession(endpoint)).counts).toEqual({
      createContainerExportTask: 1,
      getExportTask: 1,
      downloadExportedFile: 1,
    });
  });

  it('the mock’s own URL plays the default scenario too', async () => {
    const { result } = await exportAndWatch(mock.url);
    expect(result?.fileId).toBe('6f1c2a3b-export-file');
  });

  it('running,running,success: the wait sees running twice before success', async () => {
    const { statuses, result } = await exportAndWatch(mock.scenarioUrl('running,running,success'));
    expect(statuses).toEqual(['running', 'running', 'success']);
    expect(result?.fileId).toBe('6f1c2a3b-export-file');
  });

  it('failure: the wait sees running, then the task fails with ExportFailedError', async () => {
    const { statuses, error } = await exportAndWatch(mock.scenarioUrl('failure'));
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as ExportFailedError).taskId).toBe('test');
    expect(statuses).toEqual(['running', 'failure']);
  });

  it('rate-limited: the 429 is retried once and exactly one task is created', async () => {
    const endpoint = mock.scenarioUrl('rate-limited');
    const { result } = await exportAndWatch(endpoint);
    expect(result?.fileId).toBe('6f1c2a3b-export-file');
    const report = await readSession(endpoint);
    expect(report.counts.createContainerExportTask).toBe(2);
    expect(report.tasksCreated).toBe(1);
    expect(report.requests.filter((r) => r.operation === 'createContainerExportTask').map((r) => r.status)).toEqual([
      429, 200,
    ]);
  });

  it('rate-limited without retries: RateLimitError, nothing created', async () => {
    const endpoint = mock.scenarioUrl('rate-limited');
    await expect(client(endpoint, 0).exportContainers(BODY, { pollIntervalMs: 10 })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect((await readSession(endpoint)).tasksCreated).toBe(0);
  });

  it('server-error: ServerError, and the create is not retried (one request)', async () => {
    const endpoint = mock.scenarioUrl('server-error');
    const { error } = await exportAndWatch(endpoint);
    expect(error).toBeInstanceOf(ServerError);
    expect((await readSession(endpoint)).counts.createContainerExportTask).toBe(1);
  });

  it('unauthorized and token-expired: AuthenticationError with the gateway code', async () => {
    const unauthorized = await exportAndWatch(mock.scenarioUrl('unauthorized'));
    expect(unauthorized.error).toBeInstanceOf(AuthenticationError);
    expect((unauthorized.error as AuthenticationError).errorCode).toBe('APIGW.0301');
    const expired = await exportAndWatch(mock.scenarioUrl('token-expired'));
    expect(expired.error).toBeInstanceOf(AuthenticationError);
    expect((expired.error as AuthenticationError).errorCode).toBe('APIGW.0307');
  });

  it('parallel sessions each play their own sequence', async () => {
    const runs = await Promise.all([
      exportAndWatch(mock.scenarioUrl('running,running,running,success')),
      exportAndWatch(mock.scenarioUrl('running,success')),
      exportAndWatch(mock.scenarioUrl('running,success')),
      exportAndWatch(mock.scenarioUrl('failure')),
      exportAndWatch(mock.scenarioUrl('rate-limited')),
    ]);
    expect(runs.map((r) => r.statuses)).toEqual([
      ['running', 'running', 'running', 'success'],
      ['running', 'success'],
      ['running', 'success'],
      ['running', 'failure'],
      ['success'],
    ]);
  });

  it('scenarioUrl() refuses an unknown scenario, saying which exist', () => {
    expect(() => scenarioUrl(mock.url, 'sucess')).toThrow(/unknown scenario "sucess": use one of default, failure/);
  });

  it('every answer a scenario asks for is one the spec documents (Prism finds it)', async () => {
    const paths = {
      createContainerExportTask: { method: 'POST', path: '/v5/p1/container/export-task' },
      getExportTask: { method: 'GET', path: '/v5/p1/export-task/t1' },
      downloadExportedFile: { method: 'GET', path: '/v5/p1/download/f1' },
    } as const;
    const asked = new Set<string>();
    for (const { name } of SCENARIOS) {
      const scenario = findScenario(name)!;
      for (const op of OPERATIONS)
        for (const a of scenario.answers[op]) asked.add(JSON.stringify([op, a.code, a.example]));
    }
    for (const a of findScenario('running,success,failure')!.answers.getExportTask) {
      asked.add(JSON.stringify(['getExportTask', a.code, a.example]));
    }
    for (const entry of asked) {
      const [op, code, example] = JSON.parse(entry) as [keyof typeof paths, number, string];
      const res = await fetch(`${mock.prismUrl}${paths[op].path}`, {
        method: paths[op].method,
        headers: {
          'X-Auth-Token': 't',
          'Content-Type': 'application/json',
          Prefer: `code=${code}, example=${example}`,
        },
        ...(paths[op].method === 'POST' ? { body: JSON.stringify(BODY) } : {}),
      });
      await res.arrayBuffer();
      expect([op, example, res.status]).toEqual([op, example, code]);
    }
  });
});
