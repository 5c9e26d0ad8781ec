// The breaking-change gate on edits of one frozen spec (fixtures/base.openapi.yaml): each case
// is the edit that makes the new spec (and, where the change is easier to write backwards, the
// edit that makes the released one), the bump the pending changesets declare, the verdict and
// every finding the report lists (`kind at location: before → after`).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { declaredBump } from '../src/changesets.mjs';
import { CHANGESETS } from '../src/repo.mjs';
import { compareSchema, serverUrls } from '../src/spec-diff.mjs';
import { runSpecGate } from '../src/spec-gate.mjs';

const BASE_TEXT = readFileSync(resolve(import.meta.dirname, 'fixtures/base.openapi.yaml'), 'utf8');
const bin = resolve(import.meta.dirname, '../bin/spec-gate.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'hss-spec-gate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CREATE = 'POST /v5/{project_id}/container/export-task';
const TASK = 'GET /v5/{project_id}/export-task/{task_id}';
const DOWNLOAD = 'GET /v5/{project_id}/download/{file_id}';
const op = (s, label) => {
  const [method, path] = label.split(' ');
  return s.paths[path][method.toLowerCase()];
};
const model = (s, name) => s.components.schemas[name];
const body = (s) => model(s, 'ContainerExportRequest').properties;

/** An edit is a function of the parsed spec, or a [find, replace] pair on its text (a string must occur once). */
function edited(edit) {
  if (!edit) return BASE_TEXT;
  if (typeof edit === 'function') {
    const spec = parse(BASE_TEXT);
    edit(spec);
    return stringify(spec);
  }
  const [find, replace] = edit;
  const count = BASE_TEXT.split(find).length - 1;
  if (typeof find === 'string' ? count !== 1 : count < 1) throw new Error(`${find} occurs ${count} times in the base`);
  return BASE_TEXT.replace(find, replace);
}

/** A .changeset folder (with the repo's config.json, so the fixed group is the real one) declaring `declares`. */
function changesets(declares) {
  const dir = mkdtempSync(join(tmp, 'changesets-'));
  copyFileSync(join(CHANGESETS, 'config.json'), join(dir, 'config.json'));
  writeFileSync(join(dir, 'README.md'), 'A README is not a changeset.\n');
  const releases = typeof declares === 'string' ? { '@hss-export/client': declares } : declares;
  const lines = Object.entries(releases).filter(([, bump]) => bump !== 'none');
  if (lines.length)
    writeFileSync(join(dir, 'pending.md'), `---\n${lines.map(([n, b]) => `"${n}": ${b}`).join('\n')}\n---\n\nWork.\n`);
  return dir;
}

function gate({ edit, released, declares }) {
  const dir = mkdtempSync(join(tmp, 'case-'));
  writeFileSync(join(dir, 'released.yaml'), edited(released));
  writeFileSync(join(dir, 'head.yaml'), edited(edit));
  const files = { base: join(dir, 'released.yaml'), head: join(dir, 'head.yaml'), changesets: changesets(declares) };
  return { files, result: runSpecGate(files) };
}

const line = (f) => `${f.kind} at ${f.location}: ${f.before} → ${f.after}`;
const newOperation = {
  get: {
    operationId: 'listExportTasks',
    tags: ['Export'],
    parameters: [{ $ref: '#/components/parameters/ProjectId' }],
    responses: {
      200: {
        description: 'The tasks.',
        content: {
          'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ExportTask' } } },
        },
      },
      400: { $ref: '#/components/responses/BadRequest' },
    },
  },
};

// verdict: PASS or FAIL, and the bump the spec changes need.
const CASES = [
  // Breaking: each declares minor (as the repo's changesets do today) and must fail.
  {
    name: 'removed operation',
    edit: (s) => delete s.paths['/v5/{project_id}/download/{file_id}'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`operation-removed at ${DOWNLOAD}: ${DOWNLOAD} (downloadExportedFile) → (removed)`],
  },
  {
    name: 'renamed operation',
    edit: ['operationId: getExportTask', 'operationId: getTask'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`operation-renamed at ${TASK}: operationId getExportTask → operationId getTask`],
  },
  {
    name: 'removed parameter',
    edit: (s) => op(s, CREATE).parameters.splice(2, 1),
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`parameter-removed at ${CREATE} › query parameter export_size: export_size → (removed)`],
  },
  {
    name: 'renamed parameter',
    edit: (s) => {
      op(s, CREATE).parameters[1].name = 'enterprise_project';
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [
      `parameter-renamed at ${CREATE} › query parameter enterprise_project_id: query enterprise_project_id → query enterprise_project`,
    ],
  },
  {
    name: 'new required parameter',
    edit: (s) =>
      op(s, CREATE).parameters.push({ name: 'cluster_id', in: 'query', required: true, schema: { type: 'string' } }),
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`required-parameter-added at ${CREATE} › query parameter cluster_id: (none) → cluster_id (required)`],
  },
  {
    name: 'optional parameter becomes required',
    edit: (s) => {
      op(s, CREATE).parameters[2].required = true;
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`parameter-became-required at ${CREATE} › query parameter export_size: optional → required`],
  },
  {
    name: 'new required body field',
    edit: (s) => {
      body(s).namespace = { type: 'string' };
      model(s, 'ContainerExportRequest').required.push('namespace');
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`required-field-added at ${CREATE} › request body › namespace: (none) → namespace (required)`],
  },
  {
    name: 'renamed request field',
    edit: (s) => {
      body(s).pod = body(s).pod_name;
      delete body(s).pod_name;
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`field-renamed at ${CREATE} › request body › pod_name: pod_name → pod`],
  },
  {
    name: 'removed response field',
    edit: (s) => delete model(s, 'ExportTask').properties.file_name,
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`response-field-removed at ${TASK} › 200 response body › file_name: file_name → (removed)`],
  },
  {
    name: 'response field becomes optional',
    edit: ['required: [task_id, task_status]', 'required: [task_id]'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`response-field-became-optional at ${TASK} › 200 response body › task_status: required → optional`],
  },
  {
    name: 'narrowed maxLength',
    edit: ['maxLength: 512', 'maxLength: 128'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`max-length-narrowed at ${CREATE} › request body › pod_name: maxLength 512 → maxLength 128`],
  },
  {
    name: 'narrowed maximum',
    edit: ['maximum: 100000', 'maximum: 1000'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`maximum-narrowed at ${CREATE} › query parameter export_size: maximum 100000 → maximum 1000`],
  },
  {
    name: 'raised minimum',
    edit: (s) => {
      model(s, 'CreateTimeRange').properties.start_time.minimum = 1;
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`minimum-raised at ${CREATE} › request body › create_time.start_time: minimum 0 → minimum 1`],
  },
  {
    name: 'removed enum value',
    edit: ['enum: [Running, Waiting, Terminated, Isolated, Paused]', 'enum: [Running, Waiting, Terminated, Isolated]'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [
      `enum-value-removed at ${CREATE} › request body › status: enum ["Running","Waiting","Terminated","Isolated","Paused"] → enum ["Running","Waiting","Terminated","Isolated"]`,
    ],
  },
  {
    name: 'changed type',
    edit: (s) => {
      body(s).risky.type = 'string';
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`type-changed at ${CREATE} › request body › risky: type boolean → type string`],
  },
  {
    name: 'additionalProperties tightened (released without it)',
    released: (s) => delete model(s, 'CreateTimeRange').additionalProperties,
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [
      `additional-properties-tightened at ${CREATE} › request body › create_time: additionalProperties true → additionalProperties false`,
    ],
  },
  {
    name: 'column key removed',
    edit: ['        - restart_count\n', ''],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [
      `column-key-removed at ${CREATE} › request body › export_headers[]: x-hss-column-keys [16 values] → x-hss-column-keys [15 values]`,
    ],
  },
  {
    name: 'renamed model',
    edit: [/ExportTaskCreated/g, 'CreatedTask'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: ['model-renamed at components › schemas: ExportTaskCreated → CreatedTask'],
  },
  {
    name: 'removed model (inlined: same JSON, one exported type fewer)',
    edit: (s) => {
      model(s, 'ExportTask').properties.task_status = model(s, 'ExportTaskStatus');
      delete s.components.schemas.ExportTaskStatus;
    },
    declares: 'minor',
    verdict: 'FAIL major',
    findings: ['model-removed at components › schemas: ExportTaskStatus → (removed)'],
  },
  {
    name: 'region removed',
    edit: ['          - af-north-1\n', ''],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: ['server-removed at servers: https://hss.af-north-1.myhuaweicloud.com → (removed)'],
  },
  {
    name: 'security alternative removed',
    edit: ['  - akskSignature: []\n', ''],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: ['security-alternative-removed at security (global): akskSignature → (removed)'],
  },
  {
    name: 'x-hss-client-option removed (callers must pass project_id)',
    edit: ['      x-hss-client-option: projectId\n', ''],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [CREATE, TASK, DOWNLOAD].map(
      (o) =>
        `client-option-removed at ${o} › path parameter project_id: x-hss-client-option projectId → x-hss-client-option (none)`,
    ),
  },
  {
    name: 'x-hss-file-format changed',
    edit: ['x-hss-file-format: zip', 'x-hss-file-format: csv'],
    declares: 'minor',
    verdict: 'FAIL major',
    findings: [`file-format-changed at ${DOWNLOAD} › 200 response: x-hss-file-format zip → x-hss-file-format csv`],
  },
  {
    name: 'breaking, with a major changeset for the types package only (the fixed group follows)',
    edit: (s) => delete s.paths['/v5/{project_id}/download/{file_id}'],
    declares: { '@hss-export/types': 'major', '@hss-export/client': 'patch' },
    verdict: 'PASS major',
    findings: [`operation-removed at ${DOWNLOAD}: ${DOWNLOAD} (downloadExportedFile) → (removed)`],
  },
  // Additions need at least minor.
  {
    name: 'new optional body field, with a patch changeset',
    edit: (s) => {
      body(s).namespace = { type: 'string', maxLength: 255 };
    },
    declares: 'patch',
    verdict: 'FAIL minor',
    findings: [`optional-field-added at ${CREATE} › request body › namespace: (none) → namespace (optional)`],
  },
  {
    name: 'new optional body field, with a minor changeset',
    edit: (s) => {
      body(s).namespace = { type: 'string', maxLength: 255 };
    },
    declares: 'minor',
    verdict: 'PASS minor',
    findings: [`optional-field-added at ${CREATE} › request body › namespace: (none) → namespace (optional)`],
  },
  {
    name: 'new operation, enum value, wider maxLength and optional parameter',
    edit: (s) => {
      s.paths['/v5/{project_id}/export-tasks'] = newOperation;
      body(s).status.enum.push('Unknown');
      body(s).pod_name.maxLength = 1024;
      op(s, CREATE).parameters.push({ name: 'cluster_type', in: 'query', schema: { type: 'string' } });
    },
    declares: 'patch',
    verdict: 'FAIL minor',
    findings: [
      'operation-added at GET /v5/{project_id}/export-tasks: (none) → GET /v5/{project_id}/export-tasks (listExportTasks)',
      `optional-parameter-added at ${CREATE} › query parameter cluster_type: (none) → cluster_type (optional)`,
      `max-length-widened at ${CREATE} › request body › pod_name: maxLength 512 → maxLength 1024`,
      `enum-value-added at ${CREATE} › request body › status: enum ["Running","Waiting","Terminated","Isolated","Paused"] → enum ["Running","Waiting","Terminated","Isolated","Paused","Unknown"]`,
    ],
  },
  {
    name: 'new region',
    edit: ['          - ap-southeast-5\n', '          - ap-southeast-5\n          - eu-west-0\n'],
    declares: 'minor',
    verdict: 'PASS minor',
    findings: ['server-added at servers: (none) → https://hss.eu-west-0.myhuaweicloud.com'],
  },
  {
    name: 'x-hss-client-option added (released without the region option)',
    released: ['      x-hss-client-option: region\n', ''],
    declares: 'patch',
    verdict: 'FAIL minor',
    findings: [TASK, DOWNLOAD].map(
      (o) =>
        `client-option-added at ${o} › header parameter region: x-hss-client-option (none) → x-hss-client-option region`,
    ),
  },
  {
    name: 'x-hss-idempotent: true on the create call (retried more)',
    edit: (s) => {
      op(s, CREATE)['x-hss-idempotent'] = true;
    },
    declares: 'minor',
    verdict: 'PASS minor',
    findings: [`operation-became-idempotent at ${CREATE}: idempotent false → idempotent true`],
  },
  // Other shipped changes need at least a patch.
  {
    name: 'x-hss-idempotent: false on a GET (retried less)',
    edit: (s) => {
      op(s, TASK)['x-hss-idempotent'] = false;
    },
    declares: 'none',
    verdict: 'FAIL patch',
    findings: [`operation-no-longer-idempotent at ${TASK}: idempotent true → idempotent false`],
  },
  {
    name: 'x-hss-file-format added (released without it)',
    released: ['          x-hss-file-format: zip\n', ''],
    declares: 'patch',
    verdict: 'PASS patch',
    findings: [`file-format-added at ${DOWNLOAD} › 200 response: x-hss-file-format (none) → x-hss-file-format zip`],
  },
  {
    name: 'a documented error status added',
    edit: (s) => {
      op(s, CREATE).responses['503'] = { $ref: '#/components/responses/InternalServerError' };
    },
    declares: 'none',
    verdict: 'FAIL patch',
    findings: [`error-status-added at ${CREATE} › responses: (none) → 503`],
  },
  {
    name: 'a structural change the classifier does not model (parameter serialisation)',
    edit: (s) => {
      op(s, CREATE).parameters[1].explode = false;
    },
    declares: 'none',
    verdict: 'FAIL patch',
    findings: [
      'unclassified-change at #/paths/~1v5~1{project_id}~1container~1export-task/post/parameters/1/explode: see location → changed',
    ],
  },
  // Nothing to release.
  { name: 'no change', declares: 'none', verdict: 'PASS none', findings: [] },
  {
    name: 'documentation only (summary, description, x-huawei-operation)',
    edit: (s) => {
      op(s, TASK).summary = 'Read an export task (poll it until it ends)';
      op(s, TASK)['x-huawei-operation'] = 'ShowExportTask';
      body(s).pod_name.description = 'Name of the pod the container runs in.';
    },
    declares: 'none',
    verdict: 'PASS none',
    findings: [
      'no-shipped-change at #/paths/~1v5~1{project_id}~1export-task~1{task_id}/get/x-huawei-operation, #/paths/~1v5~1{project_id}~1export-task~1{task_id}/get/summary, #/components/schemas/ContainerExportRequest/properties/pod_name/description: as released → edited',
    ],
  },
  {
    name: 'x-hss-idempotent: true on a GET, which GET already is',
    edit: (s) => {
      op(s, TASK)['x-hss-idempotent'] = true;
    },
    declares: 'none',
    verdict: 'PASS none',
    findings: [
      'no-shipped-change at #/paths/~1v5~1{project_id}~1export-task~1{task_id}/get/x-hss-idempotent: as released → edited',
    ],
  },
  {
    name: 'eu-west-101: a fixed server rewritten as a {region} template with the same URL',
    released: (s) => {
      s.servers[1] = { url: 'https://hss.eu-west-101.myhuaweicloud.eu', description: s.servers[1].description };
    },
    declares: 'none',
    verdict: 'PASS none',
    findings: ['no-shipped-change at #/servers/1/url, #/servers/1/variables: as released → edited'],
  },
];

describe('the spec gate, case by case', () => {
  it.each(CASES)('$name: $verdict', (c) => {
    const { result } = gate(c);
    const [verdict, needs] = c.verdict.split(' ');
    expect(result.findings.map(line)).toEqual(c.findings);
    expect(`${result.ok ? 'PASS' : 'FAIL'} ${result.required}`).toBe(`${verdict} ${needs}`);
    expect(result.report).toMatch(new RegExp(`^spec-gate: ${verdict}`));
    // The report lists each finding with its kind, location and before → after.
    for (const f of result.findings) expect(result.report).toContain(`- ${line(f)}`);
    if (!result.ok) expect(result.report).toContain(`pick @hss-export/client and @hss-export/types`);
  });

  it('every class of change the README names is covered by a case', () => {
    const kinds = new Set(CASES.flatMap((c) => c.findings.map((f) => f.split(' ')[0])));
    for (const kind of [
      'operation-removed',
      'operation-renamed',
      'parameter-removed',
      'parameter-renamed',
      'required-parameter-added',
      'required-field-added',
      'field-renamed',
      'response-field-removed',
      'model-renamed',
      'model-removed',
      'max-length-narrowed',
      'maximum-narrowed',
      'minimum-raised',
      'enum-value-removed',
      'type-changed',
      'additional-properties-tightened',
      'column-key-removed',
      'server-removed',
      'client-option-removed',
      'client-option-added',
      'operation-no-longer-idempotent',
      'operation-became-idempotent',
      'file-format-changed',
      'file-format-added',
      'operation-added',
      'server-added',
      'unclassified-change',
      'no-shipped-change',
    ])
      expect(kinds.has(kind), kind).toBe(true);
  });

  it('a report names each region and what was removed', () => {
    const region = gate(CASES.find((c) => c.name === 'region removed')).result;
    expect(region.report).toContain('→ (removed) (region af-north-1)');
    const enumRemoved = gate(CASES.find((c) => c.name === 'removed enum value')).result;
    expect(enumRemoved.report).toContain('(removed: Paused)');
    expect(gate({ declares: 'none' }).result.report).toContain('No change to the spec.');
  });
});

describe('servers resolve to URLs', () => {
  it('each variable is expanded over its enum; one without an enum stays a placeholder', () => {
    const urls = serverUrls({
      servers: [
        { url: 'https://hss.{region}.example', variables: { region: { default: 'a', enum: ['a', 'b'] } } },
        { url: 'https://{host}/v5', variables: { host: { default: 'x' } } },
        { url: 'https://hss.c.example' },
      ],
    });
    expect([...urls]).toEqual([
      ['https://hss.a.example', 'a'],
      ['https://hss.b.example', 'b'],
      ['https://{host}/v5', undefined],
      ['https://hss.c.example', undefined],
    ]);
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
  });
});

describe('reading changesets', () => {
  const folder = (files) => {
    const dir = mkdtempSync(join(tmp, 'read-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('takes the highest bump over the fixed group and ignores other packages', () => {
    const dir = folder({
      'a.md': '---\n"@hss-export/client": patch\n---\n\nfix\n',
      'b.md': '---\n"@hss-export/types": minor\n---\n\nfeature\n',
      'c.md': '---\n"@hss-export/cli": major\n---\n\nnot generated from the spec\n',
      'config.json': readFileSync(join(CHANGESETS, 'config.json'), 'utf8'),
    });
    expect(declaredBump(dir)).toMatchObject({
      bump: 'minor',
      packages: ['@hss-export/client', '@hss-export/types', '@hss-export/mock'],
    });
  });

  it('reports a changeset it cannot parse, by file', () => {
    const dir = folder({ 'broken.md': '---\n"@hss-export/client": huge\n---\n\nx\n' });
    expect(() => declaredBump(dir)).toThrow(/broken\.md/);
  });
});

describe('the command line', () => {
  const run = (...args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  const args = (files) => ['--base', files.base, '--head', files.head, '--changesets', files.changesets];

  it('exits 1 with the list of breaking changes', () => {
    const { files } = gate(CASES.find((c) => c.name === 'removed enum value'));
    const failed = run(...args(files));
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('spec-gate: FAIL');
    expect(failed.stderr).toContain(`enum-value-removed at ${CREATE} › request body › status`);
    expect(failed.stderr).toContain('pnpm changeset');
  });

  it('exits 0 when the changesets cover the change (--json too), and 2 on a bad argument', () => {
    const { files } = gate(CASES.find((c) => c.name === 'new optional body field, with a minor changeset'));
    const ok = run(...args(files));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('spec-gate: PASS');
    expect(JSON.parse(run(...args(files), '--json').stdout)).toMatchObject({ ok: true, required: 'minor' });
    expect(run('--nope').status).toBe(2);
  });
});
