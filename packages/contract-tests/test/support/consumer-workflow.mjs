// Runs inside a throwaway project that installed the packed @hss-export/mock, client and types
// (see packed-tarballs.test.ts): starts the mock from the installed package and runs the
// client's whole workflow against it in every scenario, printing one JSON line of results.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, createHssClient, ExportFailedError } from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import { readSession, startMock } from '@hss-export/mock';

const body = { export_headers: [['container_name', 'Container Name']] };
const client = (endpoint, maxRetries = 2) =>
  createHssClient({ endpoint, projectId: 'p1', credentials: { token: 'anything' }, maxRetries });
const nameOf = (error) => (error ? `${error.constructor.name}: ${error.message}` : null);

async function watch(endpoint) {
  const statuses = [];
  try {
    const result = await client(endpoint).exportContainers(body, {
      pollIntervalMs: 10,
      onProgress: (p) => statuses.push(p.status),
    });
    return { statuses, result, error: null };
  } catch (error) {
    return { statuses, result: null, error };
  }
}

const started = Date.now();
const mock = await startMock();
const startMs = Date.now() - started;
const dir = mkdtempSync(join(tmpdir(), 'hss-mock-consumer-'));
const out = { node: process.version, startMs };
try {
  const c = client(mock.url);
  const done = await c.exportContainers(body, { pollIntervalMs: 10 });
  const file = join(dir, 'containers.zip');
  const written = await downloadExportToFile(c, done.fileId, file);
  out.default = { fileId: done.fileId, bytes: written.bytes, magic: readFileSync(file).subarray(0, 4).toString('hex') };

  const sequence = await watch(mock.scenarioUrl('running,running,success'));
  out.sequence = {
    statuses: sequence.statuses,
    fileId: sequence.result?.fileId ?? null,
    error: nameOf(sequence.error),
  };

  const failure = await watch(mock.scenarioUrl('failure'));
  out.failure = {
    statuses: failure.statuses,
    exportFailed: failure.error instanceof ExportFailedError,
    error: nameOf(failure.error),
  };

  const limited = mock.scenarioUrl('rate-limited');
  const rateLimited = await watch(limited);
  const log = await readSession(limited);
  out.rateLimited = {
    fileId: rateLimited.result?.fileId ?? null,
    error: nameOf(rateLimited.error),
    creates: log.counts.createContainerExportTask,
    tasksCreated: log.tasksCreated,
    createStatuses: log.requests.filter((r) => r.operation === 'createContainerExportTask').map((r) => r.status),
  };

  const unauthorized = await watch(mock.scenarioUrl('unauthorized'));
  out.unauthorized = {
    authenticationError: unauthorized.error instanceof AuthenticationError,
    errorCode: unauthorized.error?.errorCode ?? null,
    error: nameOf(unauthorized.error),
  };
} finally {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
