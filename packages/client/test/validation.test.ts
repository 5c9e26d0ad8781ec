import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultRegion, exportColumnKeys, operations, regionEndpoints } from '../src/generated/spec-rules.js';
import { validateRequest, type ValidationProblem } from '../src/validation.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const specPath = join(repoRoot, 'spec', 'hss-export.openapi.yaml');
const emitter = join(repoRoot, 'packages', 'generator', 'bin', 'spec-rules.mjs');
const generatedPath = fileURLToPath(new URL('../src/generated/spec-rules.ts', import.meta.url));

const seedBody = {
  export_headers: [
    ['container_name', 'Container Name'],
    ['image_name', 'Image Name'],
    ['risky', 'Security Risk'],
  ],
};

const fullBody = {
  export_headers: exportColumnKeys.map((key) => [key, key.toUpperCase()]),
  cluster_container: true,
  cluster_type: 'self_built_idc',
  cluster_name: 'prod-cluster',
  container_name: 'c'.repeat(255),
  pod_name: 'p'.repeat(512),
  image_name: 'nginx:1.27',
  status: 'Running',
  risky: false,
  create_time: { start_time: 0, end_time: 1_700_000_000_000 },
  cpu_limit: '',
  memory_limit: '300Mi',
};

const create = (body: unknown, params: Record<string, unknown> = {}): ValidationProblem[] =>
  validateRequest('createContainerExportTask', { params: { project_id: 'p', ...params }, body });

// The (path, rule) pairs only, so each case states exactly which problems it expects.
const rulesOf = (problems: ValidationProblem[]) => problems.map(({ path, rule }) => ({ path, rule }));

describe('validateRequest: valid requests', () => {
  it('accepts the seed example from the spec', () => {
    expect(create(seedBody)).toEqual([]);
  });

  it('accepts a body with every optional field set, and every query parameter', () => {
    expect(create(fullBody, { enterprise_project_id: 'all_granted_eps', export_size: 100000 })).toEqual([]);
    expect(create(fullBody, { export_size: 1 })).toEqual([]);
  });

  it('treats undefined and null parameters as absent', () => {
    expect(create(seedBody, { enterprise_project_id: undefined, export_size: null })).toEqual([]);
  });

  it('rejects unknown body properties, since the spec sets additionalProperties: false', () => {
    const problems = create({ ...seedBody, future_filter: 1, constructor: 'x', toString: 2 });
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'body.future_filter additionalProperties',
      'body.constructor additionalProperties',
      'body.toString additionalProperties',
    ]);
  });

  it('counts string length in code points', () => {
    expect(create({ ...seedBody, container_name: '🐳'.repeat(255) })).toEqual([]);
  });

  it('accepts valid status and download requests', () => {
    const params = { project_id: 'p', task_id: 't'.repeat(64), enterprise_project_id: '0', region: 'cn-north-4' };
    expect(validateRequest('getExportTask', { params })).toEqual([]);
    expect(validateRequest('downloadExportedFile', { params: { project_id: 'p', file_id: 'f' } })).toEqual([]);
  });
});

describe('validateRequest: each rule', () => {
  const cases: Array<[string, ValidationProblem[], Array<{ path: string; rule: string }>]> = [
    ['export_size 0', create(seedBody, { export_size: 0 }), [{ path: 'query.export_size', rule: 'minimum' }]],
    ['export_size 100001', create(seedBody, { export_size: 100001 }), [{ path: 'query.export_size', rule: 'maximum' }]],
    ['export_size 1.5', create(seedBody, { export_size: 1.5 }), [{ path: 'query.export_size', rule: 'integer' }]],
    [
      'export_size NaN',
      create(seedBody, { export_size: Number.NaN }),
      [{ path: 'query.export_size', rule: 'integer' }],
    ],
    [
      'export_size Infinity',
      create(seedBody, { export_size: Infinity }),
      [{ path: 'query.export_size', rule: 'integer' }],
    ],
    ['export_size "10"', create(seedBody, { export_size: '10' }), [{ path: 'query.export_size', rule: 'type' }]],
    [
      'empty enterprise_project_id',
      create(seedBody, { enterprise_project_id: '' }),
      [{ path: 'query.enterprise_project_id', rule: 'minLength' }],
    ],
    ['missing export_headers', create({ risky: true }), [{ path: 'body.export_headers', rule: 'required' }]],
    ['empty export_headers', create({ export_headers: [] }), [{ path: 'body.export_headers', rule: 'minItems' }]],
    ['missing body', create(undefined), [{ path: 'body', rule: 'required' }]],
    ['array body', create([seedBody]), [{ path: 'body', rule: 'type' }]],
    [
      'container_name 256 chars',
      create({ ...seedBody, container_name: 'c'.repeat(256) }),
      [{ path: 'body.container_name', rule: 'maxLength' }],
    ],
    [
      'empty container_name',
      create({ ...seedBody, container_name: '' }),
      [{ path: 'body.container_name', rule: 'minLength' }],
    ],
    [
      'pod_name 513 chars',
      create({ ...seedBody, pod_name: 'p'.repeat(513) }),
      [{ path: 'body.pod_name', rule: 'maxLength' }],
    ],
    ['status "running"', create({ ...seedBody, status: 'running' }), [{ path: 'body.status', rule: 'enum' }]],
    ['cluster_type "gke"', create({ ...seedBody, cluster_type: 'gke' }), [{ path: 'body.cluster_type', rule: 'enum' }]],
    [
      'cpu_limit 65 chars',
      create({ ...seedBody, cpu_limit: '1'.repeat(65) }),
      [{ path: 'body.cpu_limit', rule: 'maxLength' }],
    ],
    [
      'export_headers item of length 1',
      create({ export_headers: [['container_name']] }),
      [{ path: 'body.export_headers[0]', rule: 'minItems' }],
    ],
    [
      'export_headers item of length 3',
      create({
        export_headers: [
          ['container_name', 'Name', 'extra'],
          ['status', 'Status'],
        ],
      }),
      [{ path: 'body.export_headers[0]', rule: 'maxItems' }],
    ],
    [
      'unknown column key',
      create({
        export_headers: [
          ['container_name', 'Name'],
          ['bogus', 'Bogus'],
        ],
      }),
      [{ path: 'body.export_headers[1][0]', rule: 'columnKeys' }],
    ],
    [
      'empty column title',
      create({ export_headers: [['status', '']] }),
      [{ path: 'body.export_headers[0][1]', rule: 'minLength' }],
    ],
    [
      'non-string column key',
      create({ export_headers: [[7, 'Seven']] }),
      [{ path: 'body.export_headers[0][0]', rule: 'type' }],
    ],
    ['non-array column', create({ export_headers: ['status'] }), [{ path: 'body.export_headers[0]', rule: 'type' }]],
    ['non-boolean risky', create({ ...seedBody, risky: 'yes' }), [{ path: 'body.risky', rule: 'type' }]],
    [
      'non-integer start_time',
      create({ ...seedBody, create_time: { start_time: 1.5, end_time: 2 } }),
      [{ path: 'body.create_time.start_time', rule: 'integer' }],
    ],
    [
      'negative end_time',
      create({ ...seedBody, create_time: { end_time: -1 } }),
      [{ path: 'body.create_time.end_time', rule: 'minimum' }],
    ],
    [
      'create_time not an object',
      create({ ...seedBody, create_time: 5 }),
      [{ path: 'body.create_time', rule: 'type' }],
    ],
    ['empty project_id', create(seedBody, { project_id: '' }), [{ path: 'path.project_id', rule: 'minLength' }]],
    [
      'project_id 257 chars',
      create(seedBody, { project_id: 'p'.repeat(257) }),
      [{ path: 'path.project_id', rule: 'maxLength' }],
    ],
    [
      'missing project_id',
      validateRequest('createContainerExportTask', { body: seedBody }),
      [{ path: 'path.project_id', rule: 'required' }],
    ],
    [
      'task_id ".." (would climb out of the path)',
      validateRequest('getExportTask', { params: { project_id: 'p', task_id: '..' } }),
      [{ path: 'path.task_id', rule: 'pathSegment' }],
    ],
    [
      'project_id "." (downloadExportedFile)',
      validateRequest('downloadExportedFile', { params: { project_id: '.', file_id: 'f' } }),
      [{ path: 'path.project_id', rule: 'pathSegment' }],
    ],
    [
      'task_id 65 chars (getExportTask)',
      validateRequest('getExportTask', { params: { project_id: 'p', task_id: 't'.repeat(65) } }),
      [{ path: 'path.task_id', rule: 'maxLength' }],
    ],
    [
      'missing file_id (downloadExportedFile)',
      validateRequest('downloadExportedFile', { params: { project_id: 'p' } }),
      [{ path: 'path.file_id', rule: 'required' }],
    ],
    [
      'region header too long',
      validateRequest('getExportTask', { params: { project_id: 'p', task_id: 't', region: 'r'.repeat(65) } }),
      [{ path: 'header.region', rule: 'maxLength' }],
    ],
  ];

  it.each(cases)('%s', (_name, problems, expected) => {
    expect(rulesOf(problems)).toEqual(expected);
    for (const problem of problems) expect(problem.message.startsWith(`${problem.path} `)).toBe(true);
  });
});

describe('validateRequest: messages', () => {
  it('says what was expected and what was got', () => {
    const [size] = create(seedBody, { export_size: 100001 });
    expect(size?.message).toBe('query.export_size must be at most 100000 (got 100001)');

    const [missing] = create({});
    expect(missing?.message).toBe('body.export_headers is required');

    const [key] = create({ export_headers: [['bogus', 'B']] });
    expect(key?.message).toBe(`body.export_headers[0][0] must be one of ${exportColumnKeys.join(', ')} (got "bogus")`);

    const [status] = create({ ...seedBody, status: 'running' });
    expect(status?.message).toBe(
      'body.status must be one of Running, Waiting, Terminated, Isolated, Paused (got "running")',
    );

    const [name] = create({ ...seedBody, container_name: 'c'.repeat(256) });
    expect(name?.message).toBe('body.container_name must have at most 255 characters (got 256)');

    const [pair] = create({ export_headers: [['status']] });
    expect(pair?.message).toBe('body.export_headers[0] must have at least 2 items (got 1)');

    const [risky] = create({ ...seedBody, risky: 'yes' });
    expect(risky?.message).toBe('body.risky must be a boolean (got "yes")');

    const [start] = create({ ...seedBody, create_time: { start_time: 1.5 } });
    expect(start?.message).toBe('body.create_time.start_time must be a whole number (got 1.5)');

    const [headers] = create({ export_headers: {} });
    expect(headers?.message).toBe('body.export_headers must be an array (got an object)');
  });

  it('truncates long values', () => {
    const [problem] = create({ ...seedBody, status: 'x'.repeat(1000) });
    const got = /\(got (.*)\)$/.exec(problem?.message ?? '')?.[1] ?? '';
    expect(got.length).toBeLessThanOrEqual(40);
    expect(got.endsWith('…')).toBe(true);
  });
});

describe('validateRequest: several problems', () => {
  it('reports every problem, not just the first', () => {
    const problems = validateRequest('createContainerExportTask', {
      params: { project_id: '', export_size: 0, enterprise_project_id: 'e'.repeat(257) },
      body: {
        export_headers: [['bogus', 'B'], ['status'], ['risky', 'Risky', 'x']],
        status: 'running',
        cluster_type: 'gke',
        risky: 'yes',
        pod_name: 'p'.repeat(513),
        create_time: { start_time: 'yesterday', end_time: -5 },
      },
    });
    expect(rulesOf(problems)).toEqual([
      { path: 'path.project_id', rule: 'minLength' },
      { path: 'query.enterprise_project_id', rule: 'maxLength' },
      { path: 'query.export_size', rule: 'minimum' },
      { path: 'body.export_headers[0][0]', rule: 'columnKeys' },
      { path: 'body.export_headers[1]', rule: 'minItems' },
      { path: 'body.export_headers[2]', rule: 'maxItems' },
      { path: 'body.status', rule: 'enum' },
      { path: 'body.cluster_type', rule: 'enum' },
      { path: 'body.risky', rule: 'type' },
      { path: 'body.pod_name', rule: 'maxLength' },
      { path: 'body.create_time.start_time', rule: 'type' },
      { path: 'body.create_time.end_time', rule: 'minimum' },
    ]);
  });

  it('agrees with the spec bounds for any export_size and container_name (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 200_005 }), fc.string({ maxLength: 300, size: 'max' }), (size, name) => {
        const problems = rulesOf(create({ ...seedBody, container_name: name }, { export_size: size }));
        const expected = [
          ...(size < 1 ? [{ path: 'query.export_size', rule: 'minimum' }] : []),
          ...(size > 100000 ? [{ path: 'query.export_size', rule: 'maximum' }] : []),
          ...(name.length === 0 ? [{ path: 'body.container_name', rule: 'minLength' }] : []),
          ...(name.length > 255 ? [{ path: 'body.container_name', rule: 'maxLength' }] : []),
        ];
        expect(problems).toEqual(expected);
      }),
    );
  });
});

describe('generated rules come from the spec', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'spec-rules-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const spec = readFileSync(specPath, 'utf8');
  // Edits are made to a frozen copy, so these tests of the emitter keep working whatever
  // later spec changes do to the lines they edit.
  const frozen = readFileSync(new URL('./fixtures/frozen-spec.openapi.yaml', import.meta.url), 'utf8');

  const emit = (specText: string, name: string) => {
    const specFile = join(scratch, `${name}.yaml`);
    const outFile = join(scratch, `${name}.ts`);
    writeFileSync(specFile, specText);
    const run = spawnSync(process.execPath, [emitter, '--spec', specFile, outFile], { encoding: 'utf8' });
    return { status: run.status, stderr: run.stderr, text: () => readFileSync(outFile, 'utf8') };
  };

  // Each edit must hit exactly one place in the spec, or the test would prove nothing.
  const edit = (from: string, to: string): string => {
    expect(frozen.split(from)).toHaveLength(2);
    return frozen.replace(from, () => to); // a function, so `$'` in `to` stays literal
  };

  it('is up to date and deterministic: re-emitting the spec gives the same bytes', () => {
    const first = emit(spec, 'same-1');
    const second = emit(spec, 'same-2');
    expect(first.status).toBe(0);
    expect(first.text()).toBe(second.text());
    expect(first.text()).toBe(readFileSync(generatedPath, 'utf8'));
    expect(first.text().startsWith('/*\n * GENERATED FILE - DO NOT EDIT.\n')).toBe(true);
  });

  it('follows a changed maxLength', () => {
    const run = emit(edit('          maxLength: 512\n', '          maxLength: 777\n'), 'changed');
    expect(run.status).toBe(0);
    expect(run.text()).toContain('pod_name: { type: "string", minLength: 1, maxLength: 777 }');
    expect(run.text()).not.toContain('maxLength: 512');
  });

  it('refuses a keyword the validator does not understand, naming file and JSON pointer', () => {
    const run = emit(
      edit('          maxLength: 512\n', "          maxLength: 512\n          pattern: '^[a-z]+$'\n"),
      'pattern',
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('pattern.yaml#/components/schemas/ContainerExportRequest/properties/pod_name/pattern');
    expect(run.stderr).toContain('"pattern"');
  });

  it('refuses oneOf in a request schema', () => {
    const run = emit(
      edit(
        '    CreateTimeRange:\n      type: object\n',
        '    CreateTimeRange:\n      type: object\n      oneOf: [{ required: [start_time] }]\n',
      ),
      'oneof',
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('oneof.yaml#/components/schemas/CreateTimeRange/oneOf');
  });

  it('refuses a $ref that does not resolve', () => {
    const run = emit(
      edit("$ref: '#/components/schemas/CreateTimeRange'", "$ref: '#/components/schemas/Missing'"),
      'badref',
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'badref.yaml#/components/schemas/ContainerExportRequest/properties/create_time/$ref: $ref "#/components/schemas/Missing" does not resolve',
    );
  });

  it('lists the 16 column keys and uses them for export_headers', () => {
    expect(exportColumnKeys).toHaveLength(16);
    expect(new Set(exportColumnKeys).size).toBe(16);
    expect(operations.createContainerExportTask.body.schema.properties.export_headers.items.columnKeys).toEqual(
      exportColumnKeys,
    );
  });

  it('keeps documented defaults apart from the rules', () => {
    expect(operations.createContainerExportTask.defaults).toEqual({
      'query.enterprise_project_id': '0',
      'query.export_size': 100000,
    });
  });

  it('builds the region table from the servers', () => {
    expect(Object.keys(regionEndpoints)).toHaveLength(30);
    expect(regionEndpoints['eu-west-101']).toBe('https://hss.eu-west-101.myhuaweicloud.eu');
    expect(regionEndpoints['cn-north-4']).toBe('https://hss.cn-north-4.myhuaweicloud.com');
    expect(defaultRegion).toBe('ap-southeast-1');
    expect(regionEndpoints[defaultRegion]).toBe('https://hss.ap-southeast-1.myhuaweicloud.com');
    for (const [region, url] of Object.entries(regionEndpoints)) {
      expect(url).toMatch(new RegExp(`^https://hss\\.${region}\\.myhuaweicloud\\.(com|eu)$`));
    }
  });
});
