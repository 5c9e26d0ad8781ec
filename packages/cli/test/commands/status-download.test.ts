// `hss-export status` and `hss-export download`, the commands that resume a run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { apiError, DOWNLOAD, running, succeeded, TASK, zipFile, type Step } from '../support/scripted-server.js';
import { entries, jsonOf, RESULT_KEYS, runCli, scripted, tempDir } from '../support/run-cli.js';
import { servedExample } from '../support/prism-example.js';

const prism = () => ['--endpoint', inject('prismUrl')];

describe('hss-export status', () => {
  it('prints the task fields and how to download', async () => {
    const r = await runCli(['status', 'test', ...prism()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'task_id:     test\ntask_name:   container_export_task\ntask_status: success\nfile_id:     6f1c2a3b-export-file\nfile_name:   hss-container-export.zip\n',
    );
    expect(r.stderr).toContain('Download it with: hss-export download 6f1c2a3b-export-file --out');
  });

  it('--json', async () => {
    const r = await runCli(['status', 'test', ...prism(), '--json']);
    expect(r.code).toBe(0);
    const result = jsonOf(r);
    expect(Object.keys(result).sort()).toEqual(RESULT_KEYS);
    expect(result).toMatchObject({
      task_id: 'test',
      status: 'success',
      file_id: '6f1c2a3b-export-file',
      path: null,
      error: null,
    });
  });

  it('--wait polls until the task is done', async () => {
    const server = await scripted({ [TASK]: [running(), running(), succeeded()] });
    const r = await runCli([
      'status',
      'task-1',
      '--endpoint',
      server.url,
      '--wait',
      '--poll-interval',
      '20ms',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(jsonOf(r)).toMatchObject({ task_id: 'task-1', status: 'success', file_id: 'file-1' });
    expect(server.to(TASK)).toHaveLength(3);
  });

  it('a running task: exit 0 and how to wait for it', async () => {
    const server = await scripted({ [TASK]: [running()] });
    const r = await runCli(['status', 'task-1', '--endpoint', server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('task_status: running');
    expect(r.stderr).toContain(`Wait for it with: hss-export status task-1 --wait --endpoint ${server.url}`);
  });

  it('a failed task: exit 4', async () => {
    const server = await scripted({ [TASK]: [{ status: 200, body: { task_id: 'task-1', task_status: 'failure' } }] });
    const r = await runCli(['status', 'task-1', '--endpoint', server.url, '--json']);
    expect(r.code).toBe(4);
    expect(jsonOf(r)).toMatchObject({ task_id: 'task-1', status: 'failure', error: { exit_code: 4 } });
  });

  it('an unknown task: exit 3 with the API error', async () => {
    const server = await scripted({ [TASK]: [apiError(404, 'HSS.1021', 'The task does not exist', 'req-404')] });
    const r = await runCli(['status', 'nope', '--endpoint', server.url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HSS.1021');
    expect(r.stderr).toContain('The task does not exist');
    expect(r.stderr).toContain('req-404');
  });

  it('needs a task id', async () => {
    const r = await runCli(['status', ...prism()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing the task id');
  });

  it('--timeout without --wait is a usage error', async () => {
    const r = await runCli(['status', 'test', ...prism(), '--timeout', '5s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout only applies with --wait');
  });
});

describe('hss-export download', () => {
  it('saves the file to --out', async () => {
    const dir = tempDir();
    const out = join(dir, 'f.zip');
    const r = await runCli(['download', '6f1c2a3b-export-file', ...prism(), '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(jsonOf(r)).toMatchObject({
      file_id: '6f1c2a3b-export-file',
      path: out,
      bytes: (await servedExample()).length,
      task_id: null,
      error: null,
    });
    expect(readFileSync(out)).toEqual(await servedExample());
  });

  it('defaults to hss-containers-<fileId>.zip in the current folder', async () => {
    const dir = tempDir();
    const r = await runCli(['download', 'file-9', ...prism()], { cwd: dir });
    expect(r.code).toBe(0);
    expect(entries(dir)).toEqual(['hss-containers-file-9.zip']);
  });

  it('refuses to overwrite without --force, before sending anything', async () => {
    const server = await scripted({ [DOWNLOAD]: [zipFile()] });
    const dir = tempDir();
    const out = join(dir, 'f.zip');
    writeFileSync(out, 'keep me');
    const r = await runCli(['download', 'file-1', '--endpoint', server.url, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out} already exists; pass --force`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(server.received).toHaveLength(0);
  });

  it('a body that is not a zip: exit 6, nothing written', async () => {
    const notZip: Step = {
      status: 200,
      body: '{"error_code":"HSS.0001"}',
      headers: { 'Content-Type': 'application/octet-stream' },
    };
    const server = await scripted({ [DOWNLOAD]: [notZip] });
    const dir = tempDir();
    const r = await runCli(['download', 'file-1', '--endpoint', server.url, '--out', join(dir, 'f.zip')]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('download failed (NOT_A_ZIP)');
    expect(r.stderr).toContain('looks like JSON');
    expect(entries(dir)).toEqual([]);
  });

  it('a file id that is not a safe file name needs --out', async () => {
    const r = await runCli(['download', '../../etc/x', ...prism()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --out');
  });
});
