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
  return spawnSync(process.execPath, [join(repo, 'packages/generator/bin/lint-spec.mjs'), file], {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
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

  // The client's validator reads only what the lint admits; each rule is one line in spec/redocly.yaml.
  it.each([
    [
      'oneOf',
      'rule/schema-keywords-the-client-checks',
      (t) =>
        t.replace(
          '        cluster_name:\n          type: string\n',
          '        cluster_name:\n          oneOf: [{type: string}, {type: integer}]\n',
        ),
    ],
    [
      'pattern',
      'rule/schema-keywords-the-client-checks',
      (t) =>
        t.replace(
          '        pod_name:\n          type: string\n',
          "        pod_name:\n          type: string\n          pattern: '^[a-z]+'\n",
        ),
    ],
    [
      'a map schema',
      'rule/additional-properties-is-a-boolean',
      (t) =>
        t
          .replace(
            '    CreateTimeRange:\n      type: object\n      description: |',
            '    CreateTimeRange:\n      type: object\n      additionalProperties: {type: string}\n      description: |',
          )
          .replace(
            "CreateTimeRange:\n      type: object\n      additionalProperties: {type: string}\n      description: |\n        Only containers created in this range. The API does not document the unit; this\n        SDK sends epoch milliseconds, the unit of HSS's own container `create_time` records.\n      additionalProperties: false",
            "CreateTimeRange:\n      type: object\n      additionalProperties: {type: string}\n      description: |\n        Only containers created in this range. The API does not document the unit; this\n        SDK sends epoch milliseconds, the unit of HSS's own container `create_time` records.",
          ),
    ],
    [
      'a date-time format',
      'rule/formats-the-client-knows',
      (t) =>
        t.replace(
          '        image_name:\n          type: string\n',
          '        image_name:\n          type: string\n          format: date-time\n',
        ),
    ],
    [
      'a cookie parameter',
      'rule/parameter-locations-the-client-sends',
      (t) =>
        t.replace(
          '          in: query\n          required: false\n          description: Maximum',
          '          in: cookie\n          required: false\n          description: Maximum',
        ),
    ],
    [
      'an XML request body',
      'rule/request-bodies-are-json',
      (t) =>
        t.replace(
          '      requestBody:\n        required: true\n        content:\n',
          '      requestBody:\n        required: true\n        content:\n          application/xml:\n            schema:\n              type: string\n',
        ),
    ],
  ])('refuses %s, which the client could not check or send', (_, rule, edit) => {
    const broken = edit(spec);
    expect(broken).not.toBe(spec);
    const result = lint(broken);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(rule);
  });

  it('fails a spec that does not parse', () => {
    const result = lint(spec.replace('paths:', 'paths: [\n'));
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/spec\.yaml/);
  });
});
