// `hss-export containers` end to end against a real Prism serving the spec.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { servedExample } from '../support/prism-example.js';
import { jsonOf, PROJECT, RESULT_KEYS, runCli, tempDir, TOKEN } from '../support/run-cli.js';

const prism = () => ['--endpoint', inject('prismUrl'), '--poll-interval', '50ms'];

describe('hss-export containers against Prism', () => {
  it('creates the task, waits, downloads the zip and says where it is', async () => {
    const dir = tempDir();
    const out = join(dir, 'containers.zip');
    const r = await runCli([
      'containers',
      ...prism(),
      '--out',
      out,
      '--column',
      'container_name',
      '--column',
      'risky=Security Risk',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code).toBe(0);
    const example = await servedExample();
    expect(r.stdout).toBe(`Saved ${out} (${example.length} B)\n`);
    expect(readFileSync(out)).toEqual(example);
    expect(readdirSync(dir)).toEqual(['containers.zip']);
    // Not a terminal: plain lines, no \r redraws.
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toContain(`Creating a container export task (2 columns) in project ${PROJECT}`);
    expect(r.stderr).toContain('Created export task test');
    expect(r.stderr).toContain('Export task test finished: success');
    expect(r.stderr).toContain(`Downloading file 6f1c2a3b-export-file to ${out}`);
  });

  it('--json prints exactly one object with the documented fields', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.zip');
    const r = await runCli(['containers', ...prism(), '--out', out, '--json']);
    expect(r.code).toBe(0);
    const result = jsonOf(r);
    expect(Object.keys(result).sort()).toEqual(RESULT_KEYS);
    expect(result).toEqual({
      task_id: 'test',
      status: 'success',
      file_id: '6f1c2a3b-export-file',
      file_name: 'hss-container-export.zip',
      path: out,
      bytes: (await servedExample()).length,
      mock: false,
      error: null,
    });
  });

  it('without --out saves hss-containers-<UTC time>.zip in the current folder', async () => {
    const dir = tempDir();
    const r = await runCli(['containers', ...prism(), '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const [name] = readdirSync(dir);
    expect(name).toMatch(/^hss-containers-\d{8}T\d{6}Z\.zip$/);
    expect(jsonOf(r).path).toBe(join(dir, name!));
  });

  it('--out naming a folder puts the default name inside it, creating missing folders', async () => {
    const dir = tempDir();
    const r = await runCli(['containers', ...prism(), '--out', `${join(dir, 'new', 'deeper')}/`, '--json']);
    expect(r.code).toBe(0);
    expect(jsonOf(r).path).toMatch(new RegExp(`^${join(dir, 'new', 'deeper')}/hss-containers-\\d{8}T\\d{6}Z\\.zip$`));
  });

  it('--force replaces an existing file', async () => {
    const dir = tempDir();
    const out = join(dir, 'x.zip');
    writeFileSync(out, 'old');
    const r = await runCli(['containers', ...prism(), '--out', out, '--force']);
    expect(r.code).toBe(0);
    expect(readFileSync(out)).toEqual(await servedExample());
  });

  it('--no-wait prints only the task id on stdout and downloads nothing', async () => {
    const dir = tempDir();
    const r = await runCli(['containers', ...prism().slice(0, 2), '--no-wait'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('test\n');
    expect(r.stderr).toContain('hss-export status test --wait --endpoint http://127.0.0.1:');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--no-wait --json: task id, nothing else known yet', async () => {
    const r = await runCli(['containers', ...prism().slice(0, 2), '--no-wait', '--json']);
    expect(r.code).toBe(0);
    expect(jsonOf(r)).toMatchObject({
      task_id: 'test',
      status: null,
      file_id: null,
      path: null,
      bytes: null,
      error: null,
    });
  });

  it('works with a token (HSS_EXPORT_TOKEN) instead of AK/SK', async () => {
    const dir = tempDir();
    const r = await runCli(['containers', ...prism(), '--project-id', 'p2', '--out', join(dir, 'a.zip')], {
      env: { HSS_EXPORT_TOKEN: TOKEN },
    });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'a.zip'))).toBe(true);
  });

  it('--mock starts Prism itself, says so, runs the whole flow and stops Prism', async () => {
    const dir = tempDir();
    // No credentials, region or project at all: the mock needs none.
    const r = await runCli(['containers', '--mock', '--json', '--out', join(dir, 'demo.zip')], { env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /Using the Prism mock at http:\/\/127\.0\.0\.1:\d+ — no Huawei Cloud account or network needed\./,
    );
    expect(r.stderr).toContain('in project mock-project');
    expect(r.stderr).toContain('This ran against the Prism mock');
    expect(jsonOf(r)).toMatchObject({
      mock: true,
      task_id: 'test',
      status: 'success',
      path: join(dir, 'demo.zip'),
      bytes: (await servedExample()).length,
    });
    expect(readFileSync(join(dir, 'demo.zip'))).toEqual(await servedExample());
    const url = /Using the Prism mock at (\S+)/.exec(r.stderr)![1]!;
    await expect(fetch(`${url}/__ready`)).rejects.toThrow(); // stopped
  }, 60_000);
});
