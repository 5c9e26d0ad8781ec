import { describe, expect, it } from 'vitest';
import { exportApi, prefer, PROJECT_ID } from './helpers.js';

describe('getExportTask against the mock', () => {
  it('returns a finished task with the file to download', async () => {
    const response = await exportApi().getExportTaskRaw({ projectId: PROJECT_ID, taskId: 'test' });
    expect(response.raw.headers.get('sl-violations')).toBeNull();
    const task = await response.value();
    expect(task).toMatchObject({ task_id: 'test', task_status: 'success' });
    expect(task.file_id).toEqual(expect.any(String));
    expect(task.file_name).toMatch(/\.zip$/);
  });

  it('returns a running task without a file id', async () => {
    const task = await exportApi().getExportTask(
      { projectId: PROJECT_ID, taskId: 'test', enterpriseProjectId: 'all_granted_eps', region: 'ap-southeast-1' },
      prefer('example=running'),
    );
    expect(task.task_status).toBe('running');
    expect(task.file_id).toBeUndefined();
  });
});
