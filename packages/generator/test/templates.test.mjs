// What the templates write, from a frozen copy of the spec: whole files as snapshots (a
// template change shows up as a reviewable diff; refresh with `vitest -u` on purpose), and
// the rules a few spec constructs must turn into. Spec edits never break these tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const generate = resolve(import.meta.dirname, '../bin/generate.mjs');
const frozen = resolve(import.meta.dirname, 'fixtures/frozen-spec.openapi.yaml');
const dir = mkdtempSync(join(tmpdir(), 'hss-templates-'));
const FILES = [
  'types/models/index.ts',
  'client/operations.ts',
  'client/methods.ts',
  'client/docs.ts',
  'client/regions.ts',
];

function generateFrom(spec, name) {
  const out = join(dir, name, 'generated');
  const run = spawnSync(process.execPath, [generate, '--spec', spec, '--out', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`hss-generate failed:\n${run.stdout}${run.stderr}`);
  return (file) => readFileSync(join(out, file), 'utf8');
}

// The frozen spec with constructs the real one does not use yet.
const variant = readFileSync(frozen, 'utf8')
  .replace(
    '      x-huawei-operation: ListQueryExportTask\n',
    '      x-huawei-operation: ListQueryExportTask\n      x-hss-idempotent: false\n',
  )
  .replace(
    '        risky:\n          type: boolean\n',
    '        risky:\n          type: boolean\n          nullable: true\n        ratio:\n          type: number\n          maximum: 1.5\n        x-note:\n          type: string\n',
  )
  .replace(
    '          description: Task ID returned by `createContainerExportTask`.\n          schema:\n            type: string\n            minLength: 1\n            maxLength: 64\n',
    '$&        - name: X-Trace-Id\n          in: header\n          description: A trace ID.\n          schema:\n            type: string\n',
  );

let real;
let changed;
beforeAll(() => {
  writeFileSync(join(dir, 'variant.yaml'), variant);
  real = generateFrom(frozen, 'frozen');
  changed = generateFrom(join(dir, 'variant.yaml'), 'variant');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated files', () => {
  for (const file of FILES) {
    it(`${file} matches its snapshot`, async () => {
      await expect(real(file)).toMatchFileSnapshot(`__snapshots__/${file}.snap`);
    });
  }

  it('marks every file as generated', () => {
    for (const file of FILES) expect(real(file).startsWith('/*\n * GENERATED FILE - DO NOT EDIT.')).toBe(true);
  });
});

describe('rules the templates emit', () => {
  it('closes objects only where the spec says additionalProperties: false', () => {
    const ops = real('client/operations.ts');
    const block = (name) => ops.slice(ops.indexOf(`  ${name}: {`), ops.indexOf('\n  },', ops.indexOf(`  ${name}: {`)));
    expect(block('ContainerExportRequest')).toContain('additionalProperties: false');
    expect(block('CreateTimeRange')).toContain('additionalProperties: false');
    // Answers may gain fields without breaking older clients.
    expect(block('ExportTask')).not.toContain('additionalProperties');
  });

  it('keeps zero-valued limits (minimum: 0 is a rule, not an absence)', () => {
    expect(real('client/operations.ts')).toContain("'start_time': { type: 'integer', minimum: 0, }");
  });

  it('types an export column as a [key, title] tuple over the column keys', () => {
    const models = real('types/models/index.ts');
    expect(models).toContain('export type ExportColumn = [key: ExportColumnKey, title: string];');
    expect(models).toMatch(/export type ExportColumnKey = 'container_id' \| 'container_name' \|/);
  });

  it('carries x-hss-idempotent, nullable and number through to the operation data', () => {
    const ops = changed('client/operations.ts');
    expect(ops).toMatch(/id: 'getExportTask',[\s\S]*?idempotent: 'false'/);
    expect(ops).toMatch(/id: 'createContainerExportTask',[\s\S]*?idempotent: ''/);
    expect(ops).toContain("'risky': { type: 'boolean', nullable: true, }");
    expect(ops).toContain("'ratio': { type: 'number', maximum: 1.5, }");
    expect(changed('types/models/index.ts')).toContain("'risky'?: boolean | null;");
  });

  it('quotes API names that are not identifiers (a header like X-Trace-Id, a field like x-note)', () => {
    expect(changed('client/methods.ts')).toContain("'X-Trace-Id'?: string;");
    expect(changed('client/operations.ts')).toContain("{ name: 'X-Trace-Id', in: 'header'");
    expect(changed('client/operations.ts')).toContain("'x-note': { type: 'string', }");
    expect(changed('types/models/index.ts')).toContain("'x-note'?: string;");
    for (const file of FILES) {
      const { diagnostics } = ts.transpileModule(changed(file), { reportDiagnostics: true, fileName: file });
      expect(
        diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
        file,
      ).toEqual([]);
    }
  });

  it('gives every operation a method with its summary and params, and its prose in docs', () => {
    const methods = real('client/methods.ts');
    for (const id of ['createContainerExportTask', 'getExportTask', 'downloadExportedFile']) {
      expect(methods).toMatch(new RegExp(`${id}\\(params: \\w+Params, options\\?: RequestOptions\\)`));
      expect(real('client/docs.ts')).toContain(`  ${id}: {`);
    }
    // The project ID comes from the client, so it is optional in the params.
    expect(methods).toMatch(
      /interface GetExportTaskParams \{[\s\S]*?'project_id'\?: string;[\s\S]*?'task_id': string;/,
    );
  });

  it('lists every region of every server', () => {
    const regions = real('client/regions.ts');
    expect(regions).toContain("url: 'https://hss.{region}.myhuaweicloud.eu'");
    expect((regions.match(/'[a-z]+-[a-z]+-\d+'/g) ?? []).length).toBe(32);
  });
});
