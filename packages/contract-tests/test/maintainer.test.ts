// The promise to maintainers, tested the way they work: in a scratch copy of the repository,
// edit the spec only (a new operation, a new optional body field, a new enum value, a new
// column key), regenerate and build, and everything follows: the client method, its
// validation, the CLI command and flag, the spec gate's verdict. Then rename a field: the
// gate asks for a major bump and the CLI's flag follows the rename.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'hss-maintainer-'));
const spec = join(scratch, 'spec/hss-export.openapi.yaml');
const quiet = { cwd: scratch, encoding: 'utf8' as const, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } };

const sh = (command: string, args: string[]) => {
  const run = spawnSync(command, args, { ...quiet, maxBuffer: 64 << 20 });
  if (run.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return run.stdout;
};
const build = () =>
  sh('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only', '--filter=@hss-export/cli...']);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(scratch, 'packages/cli/dist/bin.js'), ...args], {
    ...quiet,
    env: { PATH: process.env.PATH ?? '' },
  });
const gate = () =>
  JSON.parse(spawnSync(process.execPath, ['packages/release-gates/bin/spec-gate.mjs', '--json'], quiet).stdout) as {
    required: string;
    findings: { kind: string }[];
  };
const edit = (from: string | RegExp, to: string) => {
  const before = readFileSync(spec, 'utf8');
  const after = before.replace(from, to);
  if (after === before) throw new Error(`the spec no longer contains ${from}; update this test's edit`);
  writeFileSync(spec, after);
};

/** Runs `code` (an ES module body) in the scratch copy against its own Prism; returns its stdout. */
function inScratch(code: string): string {
  const file = join(scratch, 'packages/contract-tests', `probe-${Date.now()}.mjs`);
  writeFileSync(
    file,
    `import { startPrism } from '@hss-export/mock';
import { createHssClient, ValidationError } from '@hss-export/client';
const prism = await startPrism({ spec: ${JSON.stringify(spec)} });
try {
${code}
} finally { await prism.stop(); }
`,
  );
  try {
    return execFileSync(process.execPath, [file], { ...quiet, timeout: 120_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

beforeAll(() => {
  // What a maintainer would have: the tracked files plus any not yet committed.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const file of files) {
    try {
      cpSync(join(repo, file), join(scratch, file), { recursive: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted but not yet staged
    }
  }
  sh('git', ['init', '-q']);
  sh('git', ['add', '-A']);
  sh('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=test', 'commit', '-qm', 'scratch']);
  sh('pnpm', ['install', '--frozen-lockfile', '--offline', '--reporter=silent']);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a maintainer adds to the spec and edits nothing else', () => {
  beforeAll(() => {
    // A new operation (Huawei's ShowLatestExportTaskByType), on a path of its own.
    edit(
      '\n  /v5/{project_id}/download/{file_id}:\n',
      `
  /v5/{project_id}/export-task:
    get:
      operationId: showLatestExportTask
      x-huawei-operation: ShowLatestExportTaskByType
      tags: [Export]
      summary: Show the latest export task of a type
      description: Returns the newest export task of the given type.
      parameters:
        - $ref: '#/components/parameters/ProjectId'
        - name: task_id
          in: query
          required: true
          description: Task ID.
          schema:
            type: string
            minLength: 1
            maxLength: 64
        - name: export_task_type
          in: query
          required: false
          description: The kind of export task.
          schema:
            type: string
            minLength: 1
            maxLength: 64
      responses:
        '200':
          description: Request succeeded.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ExportTask'
        '400':
          $ref: '#/components/responses/BadRequest'
  /v5/{project_id}/download/{file_id}:
`,
    );
    // A new optional body field, a new enum value, a new column key.
    edit(
      '        cpu_limit:\n          type: string\n',
      '        namespace:\n          type: string\n          description: Kubernetes namespace.\n          minLength: 1\n          maxLength: 63\n        cpu_limit:\n          type: string\n',
    );
    edit(
      'enum: [Running, Waiting, Terminated, Isolated, Paused]',
      'enum: [Running, Waiting, Terminated, Isolated, Paused, Restarting]',
    );
    edit('        - memory_limit\n      example:', '        - memory_limit\n        - namespace\n      example:');
    build();
  }, 300_000);

  it('touched no file but the spec', () => {
    expect(sh('git', ['status', '--porcelain']).trim()).toBe('M spec/hss-export.openapi.yaml');
  });

  it('gives the client a working method for the new operation, with a token and with AK/SK', () => {
    const out = inScratch(`
for (const credentials of [{ token: 't' }, { accessKey: 'ak', secretKey: 'sk', securityToken: 'st' }]) {
  const hss = createHssClient({ endpoint: prism.url, projectId: 'p', credentials });
  console.log(JSON.stringify(await hss.showLatestExportTask({ task_id: 'abc', export_task_type: 'container' })));
  console.log(JSON.stringify(await hss.createContainerExportTask({ export_headers: [['namespace', 'Namespace']], namespace: 'prod', status: 'Restarting' })));
}`);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ task_status: expect.any(String) });
    expect(lines[1]).toEqual({ task_id: expect.any(String) });
  });

  it('refuses a bad value of the new field with nothing sent', () => {
    const out = inScratch(`
let sent = 0;
const hss = createHssClient({ endpoint: prism.url, projectId: 'p', credentials: { token: 't' }, fetch: (...a) => (sent++, fetch(...a)) });
try { await hss.createContainerExportTask({ export_headers: [['namespace', 'N']], namespace: 'x'.repeat(64) }); console.log('sent'); }
catch (error) { console.log(JSON.stringify({ validation: error instanceof ValidationError, problems: error.problems, sent })); }`);
    const result = JSON.parse(out.trim());
    expect(result).toMatchObject({ validation: true, sent: 0 });
    expect(result.problems).toEqual([expect.objectContaining({ path: 'namespace', rule: 'maxLength' })]);
  });

  it('gives the CLI the new command and flags', () => {
    const help = cli('--help');
    expect(help.stdout).toContain('show-latest-export-task');
    const command = cli('show-latest-export-task', '--help');
    expect(command.status).toBe(0);
    expect(command.stdout).toContain('--export-task-type');
    const containers = cli('containers', '--help').stdout;
    expect(containers).toContain('--namespace');
    expect(containers).toContain('Restarting');
    expect(containers).toMatch(/^ {4}namespace +"Namespace"$/m);
  });

  it('is an addition to the spec gate: a minor bump', () => {
    const verdict = gate();
    expect(verdict.required).toBe('minor');
    expect(verdict.findings.length).toBeGreaterThan(0);
  });

  describe('then renames a field', () => {
    beforeAll(() => {
      sh('git', ['commit', '-qam', 'the additions']);
      sh('cp', ['spec/hss-export.openapi.yaml', 'spec/released/hss-export.openapi.yaml']);
      edit('        image_name:\n          type: string\n', '        image:\n          type: string\n');
      build();
    }, 300_000);

    it('makes the spec gate ask for a major bump', () => {
      const verdict = gate();
      expect(verdict.required).toBe('major');
    });

    it('moves the CLI flag with the field', () => {
      expect(cli('containers', '--help').stdout).toMatch(/--image <value>/);
      const old = cli('containers', '--mock', '--image-name', 'nginx', '--no-wait');
      expect(old.status).toBe(2);
      expect(old.stderr).toContain('unknown option --image-name');
      expect(dirname(spec)).toBe(join(scratch, 'spec'));
    });
  });
});
