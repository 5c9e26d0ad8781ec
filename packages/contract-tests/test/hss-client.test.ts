// The hand-written client (createHssClient) against the same Prism: valid calls pass
// without violations, AK/SK-signed calls are accepted, documented errors become typed ones.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  AuthenticationError,
  createHssClient,
  NotFoundError,
  RateLimitError,
  ServerError,
  type HssClientOptions,
} from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';
import { PROJECT_ID, SEED_BODY } from './helpers.js';

const violations: string[] = [];
/** fetch that records Prism's sl-violations header and can ask for a documented response. */
function observedFetch(prefer?: string): typeof fetch {
  return async (input, init) => {
    const headers = { ...(init?.headers as Record<string, string>), ...(prefer ? { Prefer: prefer } : {}) };
    const response = await fetch(input, { ...init, headers });
    const v = response.headers.get('sl-violations');
    if (v) violations.push(v);
    return response;
  };
}

function client(options: Partial<HssClientOptions> = {}, prefer?: string) {
  return createHssClient({
    endpoint: inject('prismUrl'),
    projectId: PROJECT_ID,
    credentials: { token: 'test-token' },
    env: {},
    maxRetries: 0,
    fetch: observedFetch(prefer),
    ...options,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'hss-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createHssClient against the mock', () => {
  it('exports, waits and downloads the file without a single violation', async () => {
    violations.length = 0;
    const c = client();
    const result = await c.exportContainers(SEED_BODY, {
      pollIntervalMs: 10,
      exportSize: 10,
      enterpriseProjectId: 'all_granted_eps',
    });
    expect(result).toEqual({ taskId: 'test', fileId: expect.any(String), fileName: 'hss-container-export.zip' });
    const written = await downloadExportToFile(c, result.fileId, join(dir, 'export.zip'));
    expect(written.bytes).toBe(22);
    expect([...readFileSync(written.path).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x05, 0x06]);
    expect(violations).toEqual([]);
  });

  it('AK/SK-signed requests (Authorization, X-Sdk-Date, X-Project-Id, X-Security-Token) are accepted', async () => {
    violations.length = 0;
    const c = client({ credentials: { accessKey: 'AK', secretKey: 'SK', securityToken: 'ST' } });
    await expect(c.createContainerExportTask(SEED_BODY)).resolves.toEqual({ task_id: 'test' });
    await expect(c.getExportTask('test')).resolves.toMatchObject({ task_status: 'success' });
    expect(violations).toEqual([]);
  });

  it.each([
    [401, AuthenticationError, 'APIGW.0301'],
    [404, NotFoundError, 'APIGW.0101'],
    [429, RateLimitError, 'APIGW.0308'],
    [500, ServerError, 'APIGW.0601'],
  ] as const)('a documented %i becomes %o', async (status, Class, code) => {
    const error = await client({}, `code=${status}`)
      .getExportTask('test')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ status, errorCode: code, errorMsg: expect.any(String) });
  });
});
