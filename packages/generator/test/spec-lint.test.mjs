// The pipeline's first step: a spec that does not lint cleanly must stop it with a
// message naming the file, the line and the rule.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const spec = readFileSync(join(repo, 'spec/hss-export.openapi.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'hss-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(text) {
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, text);
  return spawnSync(
    process.execPath,
    [join(repo, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--config', join(repo, 'spec/redocly.yaml')],
    { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
  );
}

describe('spec lint', () => {
  it('passes the committed spec', () => {
    const result = lint(spec);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('fails a spec with a duplicate operationId, naming file, line and rule', () => {
    const broken = spec.replace('operationId: getExportTask', 'operationId: createContainerExportTask');
    const line =
      broken
        .split('\n')
        .findIndex(
          (l, i, all) =>
            l.includes('operationId: createContainerExportTask') &&
            all.slice(0, i).some((p) => p.includes('operationId: createContainerExportTask')),
        ) + 1;
    const result = lint(broken);
    const output = result.stdout + result.stderr;
    expect(result.status).not.toBe(0);
    expect(output).toContain('spec.yaml');
    expect(output).toContain(`spec.yaml:${line}:`);
    expect(output).toContain('operation-operationId-unique');
  });

  it('fails a spec that does not parse', () => {
    const result = lint(spec.replace('paths:', 'paths: [\n'));
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/spec\.yaml/);
  });
});
