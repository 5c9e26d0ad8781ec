import { describe, expect, it } from 'vitest';
import type { ContainerExportRequest } from '@hss-export/client';
import { exportApi, PROJECT_ID, rejection, SEED_BODY } from './helpers.js';

const ALL_COLUMNS = [
  'container_id',
  'container_name',
  'image_name',
  'pod_name',
  'cluster_name',
  'cluster_type',
  'status',
  'risky',
  'low_risk',
  'medium_risk',
  'high_risk',
  'fatal_risk',
  'create_time',
  'restart_count',
  'cpu_limit',
  'memory_limit',
];

const EVERY_FIELD: ContainerExportRequest = {
  export_headers: ALL_COLUMNS.map((key) => [key, `Title of ${key}`]),
  cluster_container: true,
  cluster_type: 'cce',
  cluster_name: 'prod-cluster',
  container_name: 'nginx',
  pod_name: 'nginx-7d9c',
  image_name: 'library/nginx',
  status: 'Running',
  risky: false,
  create_time: { start_time: 1_690_348_800_000, end_time: 1_690_435_200_000 },
  cpu_limit: '100m',
  memory_limit: '300Mi',
};

describe('createContainerExportTask against the mock', () => {
  it('accepts the seed example and returns a string task_id', async () => {
    const response = await exportApi().createContainerExportTaskRaw({
      projectId: PROJECT_ID,
      containerExportRequest: SEED_BODY,
    });
    expect(response.raw.status).toBe(200);
    expect(response.raw.headers.get('sl-violations')).toBeNull();
    expect(await response.value()).toEqual({ task_id: 'test' });
  });

  it('accepts every optional body field and both query parameters without violations', async () => {
    const response = await exportApi().createContainerExportTaskRaw({
      projectId: PROJECT_ID,
      enterpriseProjectId: 'all_granted_eps',
      exportSize: 100000,
      containerExportRequest: EVERY_FIELD,
    });
    expect(response.raw.status).toBe(200);
    expect(response.raw.headers.get('sl-violations')).toBeNull();
  });

  const enumCases = [
    ...['cce', 'ali', 'tencent', 'azure', 'aws', 'self_built_hw', 'self_built_idc'].map((v) => ({ cluster_type: v })),
    ...['Running', 'Waiting', 'Terminated', 'Isolated', 'Paused'].map((v) => ({ status: v })),
  ];
  it.each(enumCases)('accepts enum value %o', async (field) => {
    const response = await exportApi().createContainerExportTaskRaw({
      projectId: PROJECT_ID,
      containerExportRequest: { ...SEED_BODY, ...field } as ContainerExportRequest,
    });
    expect(response.raw.headers.get('sl-violations')).toBeNull();
    expect(response.raw.status).toBe(200);
  });

  it.each([1, 100000])('accepts export_size at its bound %i', async (exportSize) => {
    const response = await exportApi().createContainerExportTaskRaw({
      projectId: PROJECT_ID,
      exportSize,
      containerExportRequest: SEED_BODY,
    });
    expect(response.raw.headers.get('sl-violations')).toBeNull();
  });
});

describe('invalid create requests are rejected by the mock with a readable error', () => {
  const invalid: Array<[string, { exportSize?: number; body: Record<string, unknown> }]> = [
    ['no export_headers', { body: { container_name: 'nginx' } }],
    ['export_size 0', { exportSize: 0, body: SEED_BODY }],
    ['export_size 100001', { exportSize: 100001, body: SEED_BODY }],
    ['container_name of 256 characters', { body: { ...SEED_BODY, container_name: 'x'.repeat(256) } }],
    ['status outside the enum', { body: { ...SEED_BODY, status: 'running' } }],
  ];

  it.each(invalid)('%s: 400 HSS.0001 with the violation named', async (_name, { exportSize, body }) => {
    const error = await rejection(
      exportApi().createContainerExportTask({
        projectId: PROJECT_ID,
        exportSize,
        containerExportRequest: body as unknown as ContainerExportRequest,
      }),
    );
    expect(error.status).toBe(400);
    expect(error.body.error_code).toBe('HSS.0001');
    expect(error.body.error_msg).toEqual(expect.any(String));
    expect(error.violations).not.toBeNull();
  });

  it('no token: 401 with an APIGW error body', async () => {
    const error = await rejection(
      exportApi({ token: null }).createContainerExportTask({
        projectId: PROJECT_ID,
        containerExportRequest: SEED_BODY,
      }),
    );
    expect(error.status).toBe(401);
    expect(error.body.error_code).toMatch(/^APIGW\.030[17]$/);
    expect(error.body.error_msg).toEqual(expect.any(String));
  });
});
