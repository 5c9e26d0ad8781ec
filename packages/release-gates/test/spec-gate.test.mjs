// The breaking-change gate on fixture spec pairs: each case is a released spec (base.yaml),
// a changed one (head.yaml, whose first line says what changed) and the pending changesets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredBump } from '../src/changesets.mjs';
import { runSpecGate } from '../src/spec-gate.mjs';
import { compareSchema, diffSpecs } from '../src/spec-diff.mjs';
import { parse } from 'yaml';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const bin = resolve(import.meta.dirname, '../bin/spec-gate.mjs');
// openapi-diff takes a few hundred ms per pair; several tests look at the same case.
const results = new Map();
const gate = (name, changesets = 'changesets') => {
  const key = `${name}/${changesets}`;
  if (!results.has(key)) {
    results.set(
      key,
      runSpecGate({
        base: join(fixtures, name, 'base.yaml'),
        head: join(fixtures, name, 'head.yaml'),
        changesets: join(fixtures, name, changesets),
      }),
    );
  }
  return results.get(key);
};
const kinds = (result, source) =>
  result.findings
    .filter((f) => f.source === source && f.severity !== 'info')
    .map((f) => f.kind)
    .sort();

// Every breaking case declares minor (what the repo's changesets declare today) and must fail.
// `library` is what openapi-diff reports on its own: an empty list marks a class it cannot see.
const breaking = [
  { name: 'removed-operation', kinds: ['operation-removed'], library: ['path.remove'] },
  { name: 'removed-parameter', kinds: ['parameter-removed'], library: [] },
  { name: 'renamed-parameter', kinds: ['parameter-renamed'], library: [] },
  { name: 'removed-response-field', kinds: ['response-field-removed'], library: ['response.body.scope.add'] },
  { name: 'new-required-parameter', kinds: ['required-parameter-added'], library: [] },
  {
    name: 'new-required-body-field',
    kinds: ['required-field-added'],
    library: ['request.body.scope.add', 'request.body.scope.remove'],
  },
  { name: 'narrowed-max-length', kinds: ['max-length-narrowed'], library: ['request.body.scope.remove'] },
  { name: 'narrowed-maximum', kinds: ['maximum-narrowed'], library: [] },
  { name: 'raised-minimum', kinds: ['minimum-raised'], library: ['request.body.scope.remove'] },
  { name: 'enum-value-removed', kinds: ['enum-value-removed'], library: [] },
  { name: 'changed-type', kinds: ['type-changed'], library: ['request.body.scope.add', 'request.body.scope.remove'] },
  {
    name: 'additional-properties-tightened',
    kinds: ['additional-properties-tightened'],
    library: ['request.body.scope.remove'],
  },
  { name: 'renamed-operation', kinds: ['operation-renamed'], library: [] },
  { name: 'renamed-model', kinds: ['model-renamed'], library: [] },
];

describe('breaking changes without a major changeset fail', () => {
  it.each(breaking)('$name', async ({ name, kinds: expected, library }) => {
    const result = await gate(name);
    expect(result.ok).toBe(false);
    expect(result.required).toBe('major');
    expect(result.declared).toBe('minor');
    expect(kinds(result, 'classifier')).toEqual(expected);
    expect(kinds(result, 'openapi-diff')).toEqual(library);
    // The message lists each breaking change with its kind, location and before → after.
    for (const f of result.findings.filter((x) => x.severity === 'breaking')) {
      expect(result.report).toContain(
        `${f.kind}${f.source === 'openapi-diff' ? ' [openapi-diff]' : ''} at ${f.location}: ${f.before} → ${f.after}`,
      );
    }
    expect(result.report).toMatch(/^spec-gate: FAIL/);
    expect(result.report).toContain('Breaking changes (need a major changeset)');
  });

  it('says where and what, before → after', async () => {
    const narrowed = await gate('narrowed-max-length');
    expect(narrowed.findings).toContainEqual(
      expect.objectContaining({
        kind: 'max-length-narrowed',
        location: 'POST /v5/{project_id}/container/export-task › request body › pod_name',
        before: 'maxLength 512',
        after: 'maxLength 128',
      }),
    );
    const maximum = await gate('narrowed-maximum');
    expect(maximum.report).toContain(
      'maximum-narrowed at POST /v5/{project_id}/container/export-task › query parameter export_size: maximum 100000 → maximum 1000',
    );
    const renamed = await gate('renamed-parameter');
    expect(renamed.report).toContain('query enterprise_project_id → query enterprise_project');
    const enumRemoved = await gate('enum-value-removed');
    expect(enumRemoved.report).toContain('(removed: Paused)');
  });
});

describe('additions need at least a minor changeset', () => {
  it('a new optional body field fails with only a patch changeset', async () => {
    const result = await gate('additive-optional-field', 'changesets-patch');
    expect(result).toMatchObject({ ok: false, required: 'minor', declared: 'patch' });
    expect(kinds(result, 'classifier')).toEqual(['optional-field-added']);
    expect(result.report).toContain('Additions (need at least a minor changeset)');
  });

  it('and passes with a minor one', async () => {
    expect(await gate('additive-optional-field', 'changesets-minor')).toMatchObject({
      ok: true,
      required: 'minor',
      declared: 'minor',
    });
  });

  it('new operation, new enum value, widened constraint and new optional parameter are all additions', async () => {
    const patch = await gate('additive-mixed', 'changesets-patch');
    expect(patch).toMatchObject({ ok: false, required: 'minor' });
    expect(kinds(patch, 'classifier')).toEqual([
      'enum-value-added',
      'max-length-widened',
      'operation-added',
      'optional-parameter-added',
    ]);
    expect(patch.findings.every((f) => f.severity !== 'breaking')).toBe(true);
    expect(await gate('additive-mixed', 'changesets-minor')).toMatchObject({ ok: true, required: 'minor' });
  });
});

describe('what passes', () => {
  it('no change passes with no changeset (a README in the folder is not a changeset)', async () => {
    const result = await gate('no-change');
    expect(result).toMatchObject({ ok: true, required: 'none', declared: 'none', findings: [] });
    expect(result.report).toContain('No change to the spec.');
  });

  it('description and summary edits alone need no changeset', async () => {
    expect(await gate('docs-only')).toMatchObject({ ok: true, required: 'none', declared: 'none' });
  });

  it('a breaking change passes with a major changeset, even one naming only the types package (fixed group)', async () => {
    const result = await gate('breaking-with-major');
    expect(result).toMatchObject({ ok: true, required: 'major', declared: 'major' });
    expect(result.report).toMatch(/^spec-gate: PASS/);
    expect(result.report).toContain('operation-removed');
  });
});

describe('response direction', () => {
  const grade = (b, h) => {
    const out = {
      list: [],
      add(severity, kind) {
        this.list.push({ severity, kind });
      },
    };
    compareSchema(out, 'response', 'r', b, h);
    return out.list;
  };
  it('a longer string or a new enum value in a response is not a narrowing', () => {
    expect(grade({ type: 'string', maxLength: 64 }, { type: 'string', maxLength: 128 })).toEqual([
      { severity: 'breaking', kind: 'max-length-widened' },
    ]);
    expect(grade({ type: 'string', maxLength: 64 }, { type: 'string', maxLength: 32 })).toEqual([
      { severity: 'patch', kind: 'max-length-narrowed' },
    ]);
    expect(grade({ type: 'string', enum: ['a'] }, { type: 'string', enum: ['a', 'b'] })).toEqual([
      { severity: 'additive', kind: 'enum-value-added' },
    ]);
    expect(
      grade(
        { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
        { type: 'object', properties: { a: { type: 'string' } } },
      ),
    ).toEqual([{ severity: 'breaking', kind: 'response-field-became-optional' }]);
  });
});

describe('reading changesets', () => {
  const dirs = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const folder = (files) => {
    const dir = mkdtempSync(join(tmpdir(), 'hss-changesets-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('takes the highest bump over the fixed group and ignores other packages', () => {
    const dir = folder({
      'a.md': '---\n"@hss-export/client": patch\n---\n\nfix\n',
      'b.md': '---\n"@hss-export/types": minor\n---\n\nfeature\n',
      'c.md': '---\n"@hss-export/cli": major\n---\n\nnot generated from the spec\n',
      'config.json': JSON.stringify({ fixed: [['@hss-export/client', '@hss-export/types']] }),
    });
    expect(declaredBump(dir)).toMatchObject({ bump: 'minor', packages: ['@hss-export/client', '@hss-export/types'] });
  });

  it('reports a changeset it cannot parse, by file', () => {
    const dir = folder({ 'broken.md': '---\n"@hss-export/client": huge\n---\n\nx\n' });
    expect(() => declaredBump(dir)).toThrow(/broken\.md/);
  });
});

describe('the command line', () => {
  it('exits 1 with the list of breaking changes', () => {
    const dir = join(fixtures, 'enum-value-removed');
    const run = spawnSync(
      process.execPath,
      [
        bin,
        '--base',
        join(dir, 'base.yaml'),
        '--head',
        join(dir, 'head.yaml'),
        '--changesets',
        join(dir, 'changesets'),
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('spec-gate: FAIL');
    expect(run.stderr).toContain(
      'enum-value-removed at POST /v5/{project_id}/container/export-task › request body › status',
    );
    expect(run.stderr).toContain('pnpm changeset');
  });

  it('exits 0 when the changesets cover the change, and 2 on a bad argument', () => {
    const dir = join(fixtures, 'additive-optional-field');
    const ok = spawnSync(
      process.execPath,
      [
        bin,
        '--base',
        join(dir, 'base.yaml'),
        '--head',
        join(dir, 'head.yaml'),
        '--changesets',
        join(dir, 'changesets-minor'),
      ],
      { encoding: 'utf8' },
    );
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('spec-gate: PASS');
    expect(spawnSync(process.execPath, [bin, '--nope'], { encoding: 'utf8' }).status).toBe(2);
  });
});

describe('safety net', () => {
  it('a structural change neither checker models still needs a patch, and says where', async () => {
    const base = parse(readFileSync(join(fixtures, 'no-change', 'base.yaml'), 'utf8'));
    const head = structuredClone(base);
    // Parameter serialisation is outside both checkers.
    head.paths['/v5/{project_id}/container/export-task'].post.parameters[1].explode = false;
    const result = await diffSpecs(base, head);
    expect(result.required).toBe('patch');
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'unclassified-change',
        location: '#/paths/~1v5~1{project_id}~1container~1export-task/post/parameters/1/explode',
      }),
    ]);
  });
});
