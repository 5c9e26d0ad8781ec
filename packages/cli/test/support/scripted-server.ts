// Routes and answers the CLI tests script; the server itself is @hss-export/mock's.
import type { Step } from '@hss-export/mock/scripted';

export {
  startScriptedServer,
  type Received,
  type ScriptedServer,
  type Step,
} from '@hss-export/mock/scripted';

export const CREATE = '/container/export-task$';
export const TASK = '/export-task/[^/]+$';
export const DOWNLOAD = '/download/[^/]+$';

/** The smallest valid zip archive: an empty one (end-of-central-directory record only). */
export const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);

export const created = (taskId = 'task-1'): Step => ({
  status: 200,
  body: { task_id: taskId },
  headers: { 'X-Request-Id': 'req-create' },
});
export const running = (taskId = 'task-1'): Step => ({
  status: 200,
  body: { task_id: taskId, task_status: 'running' },
});
export const succeeded = (taskId = 'task-1', fileId = 'file-1'): Step => ({
  status: 200,
  body: {
    task_id: taskId,
    task_name: 'container_export_task',
    task_status: 'success',
    file_id: fileId,
    file_name: 'hss-container-export.zip',
  },
});
export const zipFile = (bytes: Buffer = EMPTY_ZIP): Step => ({
  status: 200,
  body: bytes,
  headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
});
export const apiError = (
  status: number,
  code: string,
  msg: string,
  requestId = `req-${status}`,
  headers: Record<string, string> = {},
): Step => ({
  status,
  body: { error_code: code, error_msg: msg },
  headers: { 'X-Request-Id': requestId, ...headers },
});
