// Ctrl-C (SIGINT) and SIGTERM: the CLI stops cleanly, says which task to resume, exits
// 130 / 143, and leaves neither the file nor a temporary .part file behind.
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREATE, created, DOWNLOAD, running, succeeded, TASK } from '../support/scripted-server.js';
import { entries, jsonOf, scripted, startCli, tempDir } from '../support/run-cli.js';

/** Sends a zip header, then 100 bytes every 50 ms of an announced 10 MB: a download that never ends on its own. */
function drip(res: ServerResponse) {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(10 * 1024 * 1024) });
  res.write(Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(1020)]));
  const timer = setInterval(() => res.write(Buffer.alloc(100)), 50);
  res.on('close', () => clearInterval(timer));
}

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('interruption', () => {
  it('Ctrl-C during the download: exit 130, "interrupted" with the task id, no file, no .part', async () => {
    const server = await scripted({
      [CREATE]: [created('task-int')],
      [TASK]: [succeeded('task-int', 'file-int')],
      [DOWNLOAD]: [drip],
    });
    const dir = tempDir();
    const cli = startCli([
      'containers',
      '--endpoint',
      server.url,
      '--poll-interval',
      '20ms',
      '--out',
      join(dir, 'out.zip'),
      '--json',
    ]);
    // The temporary file exists: the download is under way.
    await waitFor(() => entries(dir).some((name) => name.endsWith('.part')));
    cli.child.kill('SIGINT');
    const r = await cli.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('hss-export: interrupted (SIGINT); the partial download was removed');
    expect(r.stderr).toContain('hss-export download file-int --out');
    expect(jsonOf(r)).toMatchObject({
      task_id: 'task-int',
      file_id: 'file-int',
      path: null,
      error: { exit_code: 130, type: 'Interrupted' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(entries(dir)).toEqual([]);
  });

  it('Ctrl-C while waiting: exit 130 and how to resume the task', async () => {
    const server = await scripted({ [CREATE]: [created('task-w')], [TASK]: [running('task-w')] });
    const dir = tempDir();
    const cli = startCli([
      'containers',
      '--endpoint',
      server.url,
      '--poll-interval',
      '50ms',
      '--out',
      join(dir, 'out.zip'),
    ]);
    await cli.stderrMatches(/Waiting for export task task-w/);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('hss-export: interrupted (SIGINT)');
    expect(r.stderr).toContain(
      'Export task task-w keeps running on the server. Resume with: hss-export status task-w --wait',
    );
    expect(entries(dir)).toEqual([]);
  });

  it('SIGTERM during the download: exit 143, no file, no .part', async () => {
    const server = await scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [drip] });
    const dir = tempDir();
    const cli = startCli([
      'containers',
      '--endpoint',
      server.url,
      '--poll-interval',
      '20ms',
      '--out',
      join(dir, 'out.zip'),
    ]);
    await waitFor(() => entries(dir).some((name) => name.endsWith('.part')));
    cli.child.kill('SIGTERM');
    const r = await cli.result;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('interrupted (SIGTERM)');
    expect(entries(dir)).toEqual([]);
  });

  it('Ctrl-C while --mock is starting Prism: exit 130, and Prism is stopped', async () => {
    const dir = tempDir();
    const cli = startCli(['containers', '--mock', '--out', join(dir, 'out.zip')], { env: {} });
    // Prism takes 2 s to come up, and over 10 s on a busy machine; interrupt in the middle of that.
    await cli.stderrMatches(/Starting the Prism mock/);
    cli.child.kill('SIGINT');
    const r = await cli.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('hss-export: interrupted (SIGINT)');
    expect(r.stderr).not.toContain('did not stop within');
    expect(r.stderr).not.toContain('Created export task');
    const url = /Starting the Prism mock of the HSS export API on (http:\/\/127\.0\.0\.1:\d+)/.exec(r.stderr)![1]!;
    await expect(fetch(`${url}/__ready`)).rejects.toThrow();
    expect(entries(dir)).toEqual([]);
  }, 60_000);
});
