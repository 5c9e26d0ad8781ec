// One command per spec operation, the way the AWS CLI's commands come from its service
// models: `hss-export get-export-task --task-id …`. The name is the operationId in
// kebab-case, every parameter and body field a flag (flags.ts), `--json` prints the
// answer. Nothing here names an operation: a new one in the spec is a new command.
import { REDACT } from '@hss-export/client';
import { writeStreamToFile } from '@hss-export/client/node';
import { type Operation, operationDocs } from '@hss-export/client/spec';
import { CONNECTION_OPTIONS, mergeOptions, OUTPUT_OPTIONS, parseCommand } from '../args.js';
import { connect } from '../connect.js';
import type { Context } from '../context.js';
import { ensureParentFolder, resolveDestination } from '../destination.js';
import { fieldFlags, flagHelp, kebab, optionSpecs, paramsFrom } from '../flags.js';
import { formatBytes } from '../format.js';
import { clean } from '../output.js';
import { CONNECTION_HELP, exitCodes, OUTPUT_HELP } from '../help.js';

const fileAnswer = (op: Operation) => Object.values(op.responses).find((a) => a.kind === 'bytes');

export interface OperationCommand {
  name: string;
  summary: string;
  run(ctx: Context, args: readonly string[]): Promise<string[]>;
  help(): string;
}

export function operationCommand(op: Operation): OperationCommand {
  const name = kebab(op.id);
  const flags = fieldFlags(op);
  const file = fileAnswer(op);
  const options = mergeOptions(
    CONNECTION_OPTIONS,
    OUTPUT_OPTIONS,
    optionSpecs(flags),
    file ? { out: { type: 'string' }, force: { type: 'boolean' } } : {},
  );
  const docs = operationDocs[op.id];
  const required = flags.filter((f) => f.required).map((f) => `--${f.flag} <…>`);

  return {
    name,
    summary: docs?.summary ?? op.id,
    help: () =>
      [
        `hss-export ${name}: ${docs?.summary ?? op.id}`,
        '',
        ...(docs?.description ? [docs.description.trim(), ''] : []),
        `${op.method} ${op.path}${docs?.huaweiName ? ` (Huawei calls it ${docs.huaweiName})` : ''}`,
        '',
        'Usage:',
        `  hss-export ${name} ${[...required, '[options]'].join(' ')}${file ? ' --out <path>' : ''}`,
        '',
        'Parameters and body fields (checked against the spec before anything is sent):',
        flags.length ? flagHelp(flags) : '  (none)',
        ...(file
          ? [
              '',
              'File:',
              `  --out <path>                  where to save the ${file.format || 'file'} (default: hss-${name}-<UTC time>${file.format ? `.${file.format}` : ''})`,
              '  --force                       replace an existing file',
            ]
          : []),
        '',
        CONNECTION_HELP,
        '',
        OUTPUT_HELP,
        '',
        `--json prints the answer${file ? ` (for a file: {"path", "bytes"})` : ''}; on failure {"error": {…}}.`,
        '',
        exitCodes(),
        '',
      ].join('\n'),

    async run(ctx, args) {
      ctx.state.generic = true;
      const { values } = parseCommand(args, options, []);
      const params = paramsFrom(flags, values);
      let destination: string | undefined;
      if (file) {
        const stamp = ctx
          .now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z')
          .replace(/[-:]/g, '');
        const fallback = `hss-${name}-${stamp}${file.format ? `.${file.format}` : ''}`;
        destination = await resolveDestination(
          values.out as string | undefined,
          ctx.io.cwd,
          (values.force as unknown) === true,
          fallback,
        );
        ctx.state.out = destination;
      }
      const { client } = await connect(values, ctx);
      const method = client[op.id as keyof typeof client] as unknown as (
        params: object,
        options: { signal: AbortSignal },
      ) => Promise<unknown>;
      const answer = await method(params, { signal: ctx.signal });
      if (!file) {
        ctx.state.answer = answer ?? null;
        return answer && typeof answer === 'object'
          ? describe(answer as Record<string, unknown>)
          : [clean(String(answer ?? ''))];
      }
      const body = answer as { body: ReadableStream<Uint8Array>; size: number | undefined };
      ctx.state.phase = 'download';
      await ensureParentFolder(destination!);
      const written = await writeStreamToFile(body.body, destination!, {
        overwrite: (values.force as unknown) === true,
        signal: ctx.signal,
        expectedBytes: body.size,
        requireZip: file.format === 'zip',
        redact: (client as { [REDACT]?: (text: string) => string })[REDACT],
        onProgress: (bytes) => {
          ctx.state.received = bytes;
        },
      });
      ctx.state.answer = { path: written.path, bytes: written.bytes };
      return [`Saved ${written.path} (${formatBytes(written.bytes)})`];
    },
  };
}

/** An answer object as `key: value` lines; nested values as JSON. Server text is cleaned. */
function describe(answer: Record<string, unknown>): string[] {
  const entries = Object.entries(answer);
  const width = Math.max(0, ...entries.map(([k]) => k.length)) + 2;
  return entries.map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${clean(`${key}:`).padEnd(width)}${clean(text)}`;
  });
}
