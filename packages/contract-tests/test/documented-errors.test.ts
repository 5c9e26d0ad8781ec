import { describe, expect, it } from 'vitest';
import { exportApi, prefer, PROJECT_ID, rejection, SEED_BODY } from './helpers.js';

// Every status the spec documents, and the error_code its example carries.
const DOCUMENTED = [
  [400, /^HSS\.0001$/],
  [401, /^APIGW\.030[17]$/],
  [403, /^APIGW\.0302$/],
  [404, /^APIGW\.0101$/],
  [429, /^APIGW\.0308$/],
  [500, /^APIGW\.0601$/],
] as const;

const calls = {
  createContainerExportTask: (code: number) =>
    exportApi().createContainerExportTask(
      { projectId: PROJECT_ID, containerExportRequest: SEED_BODY },
      prefer(`code=${code}`),
    ),
  getExportTask: (code: number) =>
    exportApi().getExportTask({ projectId: PROJECT_ID, taskId: 't' }, prefer(`code=${code}`)),
  downloadExportedFile: (code: number) =>
    exportApi().downloadExportedFile({ projectId: PROJECT_ID, fileId: 'f' }, prefer(`code=${code}`)),
};

describe.each(Object.entries(calls))('%s: documented error responses', (_operation, call) => {
  it.each(DOCUMENTED)('%i decodes into the Huawei error body', async (status, code) => {
    const error = await rejection(call(status));
    expect(error.status).toBe(status);
    expect(error.body.error_code).toMatch(code);
    expect(error.body.error_msg.length).toBeGreaterThan(0);
  });
});
