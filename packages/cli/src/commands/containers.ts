// hss-export containers: filters -> export task -> wait -> zip on disk.
import type { ContainerExportRequest } from '@hss-export/client';
import {
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  WAIT_OPTIONS,
  connectionArgs,
  parseColumns,
  parseCommand,
  parseDuration,
  parseIsoDate,
  parseWholeNumber,
} from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { resolveDestination, timestampedName } from '../destination.js';
import { UsageError, commandLine } from '../errors.js';
import {
  DEFAULT_POLL_INTERVAL,
  DEFAULT_TIMEOUT,
  MOCK_POLL_INTERVAL,
  downloadFile,
  mockReminder,
  savedLine,
  waitForTask,
} from './shared.js';

export const CONTAINERS_OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  ...WAIT_OPTIONS,
  'export-size': { type: 'string' },
  column: { type: 'string', multiple: true },
  'cluster-container': { type: 'boolean' },
  'cluster-type': { type: 'string' },
  'cluster-name': { type: 'string' },
  'container-name': { type: 'string' },
  'pod-name': { type: 'string' },
  'image-name': { type: 'string' },
  status: { type: 'string' },
  risky: { type: 'boolean' },
  'created-after': { type: 'string' },
  'created-before': { type: 'string' },
  'cpu-limit': { type: 'string' },
  'memory-limit': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  wait: { type: 'boolean', default: true },
} as const;

type Values = ReturnType<typeof parseCommand<typeof CONTAINERS_OPTIONS>>['values'];

/** Flag values -> the API's request body. Enum and length rules are left to the client, which has them from the spec. */
export function buildRequest(values: Values): ContainerExportRequest {
  const body: Record<string, unknown> = { export_headers: parseColumns(values.column) };
  const text = {
    cluster_type: values['cluster-type'],
    cluster_name: values['cluster-name'],
    container_name: values['container-name'],
    pod_name: values['pod-name'],
    image_name: values['image-name'],
    status: values.status,
    cpu_limit: values['cpu-limit'],
    memory_limit: values['memory-limit'],
  };
  for (const [field, value] of Object.entries(text)) if (value !== undefined) body[field] = value;
  if (values['cluster-container'] !== undefined) body.cluster_container = values['cluster-container'];
  if (values.risky !== undefined) body.risky = values.risky;

  const after =
    values['created-after'] === undefined ? undefined : parseIsoDate('--created-after', values['created-after']);
  const before =
    values['created-before'] === undefined ? undefined : parseIsoDate('--created-before', values['created-before']);
  if (after !== undefined && before !== undefined && after > before) {
    throw new UsageError(
      `--created-after (${values['created-after']}) is later than --created-before (${values['created-before']})`,
    );
  }
  if (after !== undefined || before !== undefined) {
    body.create_time = {
      ...(after === undefined ? {} : { start_time: after }),
      ...(before === undefined ? {} : { end_time: before }),
    };
  }
  return body as unknown as ContainerExportRequest;
}

export async function containers(ctx: Context, args: readonly string[]): Promise<string[]> {
  const { values } = parseCommand(args, CONTAINERS_OPTIONS, []);
  ctx.state.resumeArgs = connectionArgs(values);
  const request = buildRequest(values);
  const exportSize =
    values['export-size'] === undefined ? undefined : parseWholeNumber('--export-size', values['export-size']);
  const wait = values.wait !== false;
  const timeoutMs = parseDuration('--timeout', values.timeout ?? DEFAULT_TIMEOUT);
  const pollIntervalMs = parseDuration(
    '--poll-interval',
    values['poll-interval'] ?? (values.mock ? MOCK_POLL_INTERVAL : DEFAULT_POLL_INTERVAL),
  );
  const force = values.force === true;

  let destination: string | undefined;
  if (wait) {
    destination = await resolveDestination(values.out, ctx.io.cwd, force, timestampedName(ctx.now()));
    ctx.state.out = destination;
  } else {
    for (const flag of ['out', 'force', 'timeout', 'poll-interval'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} has no effect with --no-wait, which stops after creating the task`);
    }
  }

  const { client, enterpriseProjectId } = await connect(values, ctx);

  ctx.state.phase = 'create';
  ctx.progress.note(
    `Creating a container export task (${request.export_headers.length} columns) in project ${client.projectId} at ${client.endpoint}`,
  );
  const { task_id: taskId } = await client.createContainerExportTask(request, {
    exportSize,
    enterpriseProjectId,
    signal: ctx.signal,
  });
  ctx.state.taskId = taskId;
  ctx.progress.note(`Created export task ${taskId}`);

  if (!wait) {
    ctx.err.line(`Check on it with: ${commandLine(['status', taskId, '--wait', ...ctx.state.resumeArgs])}`);
    return [taskId];
  }

  const result = await waitForTask(ctx, client, taskId, { pollIntervalMs, timeoutMs, enterpriseProjectId });
  const written = await downloadFile(ctx, client, result.fileId, destination!, { force, enterpriseProjectId });
  mockReminder(ctx);
  return [savedLine(written.path, written.bytes)];
}
