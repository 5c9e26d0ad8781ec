// The validator (validation.ts) over the generated rules, through the one request path:
// every case is a real call whose fetch fails the test if it is ever reached.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHssClient, ValidationError, type ValidationProblem } from '../src/index.js';
import { schemas } from '../src/generated/operations.js';

const exportColumnKeys = schemas.ExportColumn!.columnKeys!;

let sent = 0;
const client = createHssClient({
  endpoint: 'http://127.0.0.1:9',
  projectId: 'p',
  credentials: { token: 'tok' },
  env: {},
  maxRetries: 0,
  fetch: async () => {
    sent++;
    throw new TypeError('fetch reached: this test only validates');
  },
});

/** The problems a call is refused with before sending; [] when it passed validation (and was sent). */
async function problemsOf(call: Promise<unknown>): Promise<ValidationProblem[]> {
  const before = sent;
  const error = await call.then(
    () => expect.unreachable('the fetch in this test never answers'),
    (e: unknown) => e,
  );
  if (error instanceof ValidationError) {
    expect(sent, 'a refused request must not be sent').toBe(before);
    return [...error.problems];
  }
  expect(sent).toBe(before + 1);
  return [];
}

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

const create = (body: object, params: Record<string, unknown> = {}) =>
  problemsOf(client.createContainerExportTask({ ...body, ...params } as never));
const status = (params: Record<string, unknown>) => problemsOf(client.getExportTask(params as never));
const download = (params: Record<string, unknown>) => problemsOf(client.downloadExportedFile(params as never));

// The (path, rule) pairs only, so each case states exactly which problems it expects.
const rulesOf = (problems: ValidationProblem[]) => problems.map(({ path, rule }) => ({ path, rule }));

describe('valid requests', () => {
  it('accepts the seed example from the spec', async () => {
    expect(await create(seedBody)).toEqual([]);
  });

  it('accepts a body with every optional field set, and every query parameter', async () => {
    expect(await create(fullBody, { enterprise_project_id: 'all_granted_eps', export_size: 100000 })).toEqual([]);
    expect(await create(fullBody, { export_size: 1 })).toEqual([]);
  });

  it('treats undefined and null parameters as absent', async () => {
    expect(await create(seedBody, { enterprise_project_id: undefined, export_size: null })).toEqual([]);
  });

  it('rejects names that are neither a parameter nor a body field, and unknown nested properties', async () => {
    const problems = await create({ ...seedBody, future_filter: 1, constructor: 'x', toString: 2 });
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'future_filter unknown',
      'constructor unknown',
      'toString unknown',
    ]);
    expect(problems[0]?.message).toBe('future_filter is not a parameter or body field of createContainerExportTask');
    const nested = await create({ ...seedBody, create_time: { start_time: 1, since: 2 } });
    expect(rulesOf(nested)).toEqual([{ path: 'create_time.since', rule: 'additionalProperties' }]);
  });

  it('counts string length in code points', async () => {
    expect(await create({ ...seedBody, container_name: '🐳'.repeat(255) })).toEqual([]);
  });

  it('accepts valid status and download requests', async () => {
    const params = { project_id: 'p', task_id: 't'.repeat(64), enterprise_project_id: '0', region: 'cn-north-4' };
    expect(await status(params)).toEqual([]);
    expect(await download({ file_id: 'f' })).toEqual([]);
  });
});

describe('each rule', () => {
  const cases: Array<[string, () => Promise<ValidationProblem[]>, Array<{ path: string; rule: string }>]> = [
    ['export_size 0', () => create(seedBody, { export_size: 0 }), [{ path: 'export_size', rule: 'minimum' }]],
    ['export_size 100001', () => create(seedBody, { export_size: 100001 }), [{ path: 'export_size', rule: 'maximum' }]],
    ['export_size 1.5', () => create(seedBody, { export_size: 1.5 }), [{ path: 'export_size', rule: 'integer' }]],
    [
      'export_size NaN',
      () => create(seedBody, { export_size: Number.NaN }),
      [{ path: 'export_size', rule: 'integer' }],
    ],
    [
      'export_size Infinity',
      () => create(seedBody, { export_size: Infinity }),
      [{ path: 'export_size', rule: 'integer' }],
    ],
    ['export_size "10"', () => create(seedBody, { export_size: '10' }), [{ path: 'export_size', rule: 'type' }]],
    [
      'empty enterprise_project_id',
      () => create(seedBody, { enterprise_project_id: '' }),
      [{ path: 'enterprise_project_id', rule: 'minLength' }],
    ],
    ['missing export_headers', () => create({ risky: true }), [{ path: 'export_headers', rule: 'required' }]],
    ['empty export_headers', () => create({ export_headers: [] }), [{ path: 'export_headers', rule: 'minItems' }]],
    [
      'container_name 256 chars',
      () => create({ ...seedBody, container_name: 'c'.repeat(256) }),
      [{ path: 'container_name', rule: 'maxLength' }],
    ],
    [
      'empty container_name',
      () => create({ ...seedBody, container_name: '' }),
      [{ path: 'container_name', rule: 'minLength' }],
    ],
    [
      'pod_name 513 chars',
      () => create({ ...seedBody, pod_name: 'p'.repeat(513) }),
      [{ path: 'pod_name', rule: 'maxLength' }],
    ],
    ['status "running"', () => create({ ...seedBody, status: 'running' }), [{ path: 'status', rule: 'enum' }]],
    [
      'cluster_type "gke"',
      () => create({ ...seedBody, cluster_type: 'gke' }),
      [{ path: 'cluster_type', rule: 'enum' }],
    ],
    [
      'cpu_limit 65 chars',
      () => create({ ...seedBody, cpu_limit: '1'.repeat(65) }),
      [{ path: 'cpu_limit', rule: 'maxLength' }],
    ],
    [
      'export_headers item of length 1',
      () => create({ export_headers: [['container_name']] }),
      [{ path: 'export_headers[0]', rule: 'minItems' }],
    ],
    [
      'export_headers item of length 3',
      () =>
        create({
          export_headers: [
            ['container_name', 'Name', 'extra'],
            ['status', 'Status'],
          ],
        }),
      [{ path: 'export_headers[0]', rule: 'maxItems' }],
    ],
    [
      'unknown column key',
      () =>
        create({
          export_headers: [
            ['container_name', 'Name'],
            ['bogus', 'Bogus'],
          ],
        }),
      [{ path: 'export_headers[1][0]', rule: 'columnKeys' }],
    ],
    [
      'empty column title',
      () => create({ export_headers: [['status', '']] }),
      [{ path: 'export_headers[0][1]', rule: 'minLength' }],
    ],
    [
      'non-string column key',
      () => create({ export_headers: [[7, 'Seven']] }),
      [{ path: 'export_headers[0][0]', rule: 'type' }],
    ],
    ['non-array column', () => create({ export_headers: ['status'] }), [{ path: 'export_headers[0]', rule: 'type' }]],
    ['non-boolean risky', () => create({ ...seedBody, risky: 'yes' }), [{ path: 'risky', rule: 'type' }]],
    [
      'non-integer start_time',
      () => create({ ...seedBody, create_time: { start_time: 1.5, end_time: 2 } }),
      [{ path: 'create_time.start_time', rule: 'integer' }],
    ],
    [
      'negative end_time',
      () => create({ ...seedBody, create_time: { end_time: -1 } }),
      [{ path: 'create_time.end_time', rule: 'minimum' }],
    ],
    [
      'create_time not an object',
      () => create({ ...seedBody, create_time: 5 }),
      [{ path: 'create_time', rule: 'type' }],
    ],
    ['empty project_id', () => create(seedBody, { project_id: '' }), [{ path: 'project_id', rule: 'minLength' }]],
    [
      'project_id 257 chars',
      () => create(seedBody, { project_id: 'p'.repeat(257) }),
      [{ path: 'project_id', rule: 'maxLength' }],
    ],
    [
      'task_id ".." (would climb out of the path)',
      () => status({ task_id: '..' }),
      [{ path: 'task_id', rule: 'pathSegment' }],
    ],
    [
      'project_id "." (downloadExportedFile)',
      () => download({ project_id: '.', file_id: 'f' }),
      [{ path: 'project_id', rule: 'pathSegment' }],
    ],
    [
      'task_id 65 chars (getExportTask)',
      () => status({ task_id: 't'.repeat(65) }),
      [{ path: 'task_id', rule: 'maxLength' }],
    ],
    ['missing file_id (downloadExportedFile)', () => download({}), [{ path: 'file_id', rule: 'required' }]],
    [
      'region header too long',
      () => status({ task_id: 't', region: 'r'.repeat(65) }),
      [{ path: 'region', rule: 'maxLength' }],
    ],
  ];

  it.each(cases)('%s', async (_name, run, expected) => {
    const problems = await run();
    expect(rulesOf(problems)).toEqual(expected);
    for (const problem of problems) expect(problem.message.startsWith(`${problem.path} `)).toBe(true);
  });
});

describe('messages', () => {
  it('says what was expected and what was got', async () => {
    const [size] = await create(seedBody, { export_size: 100001 });
    expect(size?.message).toBe('export_size must be at most 100000 (got 100001)');

    const [missing] = await create({});
    expect(missing?.message).toBe('export_headers is required');

    const [key] = await create({ export_headers: [['bogus', 'B']] });
    expect(key?.message).toBe(`export_headers[0][0] must be one of ${exportColumnKeys.join(', ')} (got "bogus")`);

    const [status] = await create({ ...seedBody, status: 'running' });
    expect(status?.message).toBe(
      'status must be one of Running, Waiting, Terminated, Isolated, Paused (got "running")',
    );

    const [name] = await create({ ...seedBody, container_name: 'c'.repeat(256) });
    expect(name?.message).toBe('container_name must have at most 255 characters (got 256)');

    const [pair] = await create({ export_headers: [['status']] });
    expect(pair?.message).toBe('export_headers[0] must have at least 2 items (got 1)');

    const [risky] = await create({ ...seedBody, risky: 'yes' });
    expect(risky?.message).toBe('risky must be a boolean (got "yes")');

    const [start] = await create({ ...seedBody, create_time: { start_time: 1.5 } });
    expect(start?.message).toBe('create_time.start_time must be a whole number (got 1.5)');

    const [headers] = await create({ export_headers: {} });
    expect(headers?.message).toBe('export_headers must be an array (got an object)');
  });

  it('quotes at most 40 characters of a long value', async () => {
    const [problem] = await create({ ...seedBody, status: 'x'.repeat(1000) });
    expect(/\(got (.*)\)$/.exec(problem?.message ?? '')?.[1]).toBe(`"${'x'.repeat(40)}…"`);
  });
});

describe('several problems', () => {
  it('reports every problem, not just the first', async () => {
    const problems = await create(
      {
        export_headers: [['bogus', 'B'], ['status'], ['risky', 'Risky', 'x']],
        status: 'running',
        cluster_type: 'gke',
        risky: 'yes',
        pod_name: 'p'.repeat(513),
        create_time: { start_time: 'yesterday', end_time: -5 },
      },
      { project_id: '', export_size: 0, enterprise_project_id: 'e'.repeat(257) },
    );
    expect(rulesOf(problems)).toEqual([
      { path: 'project_id', rule: 'minLength' },
      { path: 'enterprise_project_id', rule: 'maxLength' },
      { path: 'export_size', rule: 'minimum' },
      { path: 'export_headers[0][0]', rule: 'columnKeys' },
      { path: 'export_headers[1]', rule: 'minItems' },
      { path: 'export_headers[2]', rule: 'maxItems' },
      { path: 'status', rule: 'enum' },
      { path: 'cluster_type', rule: 'enum' },
      { path: 'risky', rule: 'type' },
      { path: 'pod_name', rule: 'maxLength' },
      { path: 'create_time.start_time', rule: 'type' },
      { path: 'create_time.end_time', rule: 'minimum' },
    ]);
  });

  it('agrees with the spec bounds for any export_size and container_name (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -5, max: 200_005 }),
        fc.string({ maxLength: 300, size: 'max' }),
        async (size, name) => {
          const problems = rulesOf(await create({ ...seedBody, container_name: name }, { export_size: size }));
          const expected = [
            ...(size < 1 ? [{ path: 'export_size', rule: 'minimum' }] : []),
            ...(size > 100000 ? [{ path: 'export_size', rule: 'maximum' }] : []),
            ...(name.length === 0 ? [{ path: 'container_name', rule: 'minLength' }] : []),
            ...(name.length > 255 ? [{ path: 'container_name', rule: 'maxLength' }] : []),
          ];
          expect(problems).toEqual(expected);
        },
      ),
    );
  });
});
