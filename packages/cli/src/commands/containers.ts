// hss-export containers: filters -> export task -> wait -> zip on disk. Its filter flags are
// the create operation's own (flags.ts); only the columns and the creation-time range get
// friendlier flags than the generic JSON ones.
import type { CreateContainerExportTaskParams } from '@hss-export/client';
import { operations } from '@hss-export/client/spec';
import {
  CONNECTION_OPTIONS,
  mergeOptions,
  OUTPUT_OPTIONS,
  parseColumns,
  parseCommand,
  parseDuration,
  parseIsoDate,
  resumeArgs,
  WAIT_OPTIONS,
} from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { resolveDestination, timestampedName } from '../destination.js';
import { commandLine, UsageError } from '../errors.js';
import { clean } from '../output.js';
import { fieldFlags, optionSpecs, paramsFrom, resolve } from '../flags.js';
import {
  checkPollInterval,
  DEFAULT_POLL_INTERVAL,
  DEFAULT_TIMEOUT,
  downloadFile,
  MOCK_POLL_INTERVAL,
  mockReminder,
  savedLine,
  waitForTask,
  WAIT_FLAGS,
} from './shared.js';

const create = operations.createContainerExportTask;
const ALL_FLAGS = fieldFlags(create);

/**
 * The body fields that get friendly flags instead of JSON ones. Typed against the
 * generated params, so a renamed or removed field fails the typecheck here.
 */
export const FRIENDLY = {
  export_headers: '--column',
  create_time: '--created-after / --created-before',
} satisfies Partial<Record<keyof CreateContainerExportTaskParams, string>>;

/** What error messages call those fields (see errors.ts flagForPath). */
const FRIENDLY_PATHS = {
  export_headers: '--column',
  'create_time.start_time': '--created-after',
  'create_time.end_time': '--created-before',
  create_time: '--created-after/--created-before',
} satisfies Record<
  keyof typeof FRIENDLY | `create_time.${keyof NonNullable<CreateContainerExportTaskParams['create_time']>}`,
  string
>;

/** The create operation's flags, without the ones FRIENDLY replaces. */
export const FILTER_FLAGS = ALL_FLAGS.filter((f) => !Object.hasOwn(FRIENDLY, f.name));

/** The allowed `--column` keys: the spec's x-hss-column-keys of export_headers' items. */
export const COLUMN_KEYS: readonly string[] = (() => {
  const headers = ALL_FLAGS.find((f) => f.name === ('export_headers' satisfies keyof CreateContainerExportTaskParams));
  return resolve(headers?.schema.items ?? {}).columnKeys ?? [];
})();

export const CONTAINERS_OPTIONS = mergeOptions(
  CONNECTION_OPTIONS,
  OUTPUT_OPTIONS,
  WAIT_OPTIONS,
  optionSpecs(FILTER_FLAGS),
  {
    column: { type: 'string', multiple: true },
    'created-after': { type: 'string' },
    'created-before': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    wait: { type: 'boolean', default: true },
  },
);

/** Flag values -> the create call's params. Enum and length rules are left to the client, which has them from the spec. */
export function buildRequest(values: Record<string, unknown>): CreateContainerExportTaskParams {
  const request: CreateContainerExportTaskParams = {
    ...(paramsFrom(FILTER_FLAGS, values) as Omit<CreateContainerExportTaskParams, keyof typeof FRIENDLY>),
    export_headers: parseColumns(values.column as string[] | undefined, COLUMN_KEYS),
  };
  const text = (flag: string) => values[flag] as string | undefined;
  const after =
    text('created-after') === undefined ? undefined : parseIsoDate('--created-after', text('created-after')!);
  const before =
    text('created-before') === undefined ? undefined : parseIsoDate('--created-before', text('created-before')!);
  if (after !== undefined && before !== undefined && after > before) {
    throw new UsageError(
      `--created-after (${text('created-after')}) is later than --created-before (${text('created-before')})`,
    );
  }
  if (after !== undefined || before !== undefined) {
    request.create_time = {
      ...(after === undefined ? {} : { start_time: after }),
      ...(before === undefined ? {} : { end_time: before }),
    };
  }
  return request;
}

export async function containers(ctx: Context, args: readonly string[]): Promise<string[]> {
  ctx.state.flags = FRIENDLY_PATHS;
  const { values } = parseCommand(args, CONTAINERS_OPTIONS, []);
  const request = buildRequest(values);
  // The wait and the download repeat the parameters they share with the create call.
  ctx.state.resumeArgs = resumeArgs(
    values,
    WAIT_FLAGS.map((f) => f.flag),
  );
  const wait = values.wait !== false;
  const timeoutMs = parseDuration('--timeout', (values.timeout as string | undefined) ?? DEFAULT_TIMEOUT);
  const pollIntervalMs = parseDuration(
    '--poll-interval',
    (values['poll-interval'] as string | undefined) ?? (values.mock ? MOCK_POLL_INTERVAL : DEFAULT_POLL_INTERVAL),
  );
  const force = values.force === true;

  let destination: string | undefined;
  if (wait) {
    destination = await resolveDestination(
      values.out as string | undefined,
      ctx.io.cwd,
      force,
      timestampedName(ctx.now()),
    );
    ctx.state.out = destination;
  } else {
    for (const flag of ['out', 'force', 'timeout', 'poll-interval'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} has no effect with --no-wait, which stops after creating the task`);
    }
  }

  const { client } = await connect(values, ctx);
  if (wait) checkPollInterval(client, pollIntervalMs);

  ctx.state.phase = 'create';
  const { projectId } = await client.settings();
  ctx.progress.note(
    `Creating a container export task (${request.export_headers.length} columns) in project ${clean(projectId)} at ${client.endpoint}`,
  );
  const { task_id: taskId } = await client.createContainerExportTask(request, { signal: ctx.signal });
  ctx.state.taskId = taskId;
  ctx.progress.note(`Created export task ${clean(taskId)}`);

  if (!wait) {
    ctx.err.line(`Check on it with: ${commandLine(['status', taskId, '--wait', ...ctx.state.resumeArgs])}`);
    return [clean(taskId)];
  }
  const shared = paramsFrom(WAIT_FLAGS, values);
  const result = await waitForTask(ctx, client, { ...shared, task_id: taskId }, { pollIntervalMs, timeoutMs });
  const written = await downloadFile(ctx, client, { ...shared, file_id: result.fileId }, destination!, { force });
  mockReminder(ctx);
  return [savedLine(written.path, written.bytes)];
}
