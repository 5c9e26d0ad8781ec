// Turns anything a command throws into one clear message and an exit code (exit-codes.ts).
// Expected failures get a short explanation and what to do next; only --debug adds the
// error's fields and stack. Every line still passes through the redacting writer (output.ts).
import {
  ApiError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  CredentialSourceError,
  NoCredentialsError,
  ExportFailedError,
  ExportTimeoutError,
  HssError,
  MalformedResponseError,
  PermissionDeniedError,
  RedirectError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '@hss-export/client';
import { DownloadError } from '@hss-export/client/node';
import { ExitCode } from './exit-codes.js';
import { formatDuration } from './format.js';
import { clean } from './output.js';
import { lastProxyRoute, type ProxyRoute } from './proxy.js';

/** Bad command-line input, detected before anything was sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The abort reason when SIGINT or SIGTERM arrives. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
  }
}

export type Phase = 'setup' | 'create' | 'wait' | 'download';

/** What the command had got to when it failed; used for hints on how to resume. */
export interface FailureContext {
  command: string;
  phase: Phase;
  taskId?: string | undefined;
  fileId?: string | undefined;
  out?: string | undefined;
  bytes?: number | undefined;
  /** Connection flags as typed, repeated in the resume commands we suggest. */
  resumeArgs: readonly string[];
  interrupted?: 'SIGINT' | 'SIGTERM' | undefined;
  debug: boolean;
  /** The command's own names for request fields (see flagForPath). */
  flags?: Readonly<Record<string, string>> | undefined;
}

export interface DescribedError {
  exitCode: number;
  /** The error class, for --json. */
  type: string;
  /** Printed as `hss-export: <message>`; may span lines. */
  message: string;
  /** Lines printed after the message: what to do next. */
  hints: string[];
  errorCode?: string | undefined;
  errorMsg?: string | undefined;
  requestId?: string | undefined;
}

/**
 * The flag that sets what the client names `path` (`cluster_name`, `export_headers[1][0]`,
 * `create_time.start_time`): the command's own names first (`named`, e.g. --column or
 * <taskId>), else the parameter or field's kebab-case flag.
 */
export function flagForPath(path: string, named: Readonly<Record<string, string>> = {}): string {
  for (const [prefix, flag] of Object.entries(named)) if (path === prefix || path.startsWith(`${prefix}[`)) return flag;
  if (path.startsWith('options.')) return path;
  const [, head, rest] = /^([^.[]+)(.*)$/.exec(path) ?? [];
  return head ? `--${head.replace(/_/g, '-')}${rest ?? ''}` : path;
}

function quote(text: string): string {
  const arg = clean(text);
  // <path>, <fileId>: placeholders for the reader to fill in, not literal arguments.
  if (/^[\w@%+=:,./-]+$/.test(arg) || /^<\w+>$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(args: readonly string[]): string {
  return ['hss-export', ...args].map(quote).join(' ');
}

function resumeHints(ctx: FailureContext): string[] {
  const hints: string[] = [];
  if (ctx.fileId) {
    hints.push(
      `The file is ready on the server. Download it with: ${commandLine(['download', ctx.fileId, '--out', ctx.out ?? `hss-containers-${ctx.fileId}.zip`, ...ctx.resumeArgs])}`,
    );
  } else if (ctx.taskId) {
    hints.push(
      `Export task ${clean(ctx.taskId)} keeps running on the server. Resume with: ${commandLine(['status', ctx.taskId, '--wait', ...ctx.resumeArgs])}`,
    );
    hints.push(`then: ${commandLine(['download', '<fileId>', '--out', ctx.out ?? '<path>', ...ctx.resumeArgs])}`);
  }
  return hints;
}

function apiHint(error: ApiError, ctx: FailureContext): string | undefined {
  if (error instanceof AuthenticationError) {
    return 'Check the credentials: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys), or the IAM token, and that the token is not expired.';
  }
  if (error instanceof PermissionDeniedError) {
    return 'The credentials lack HSS permissions for this project or enterprise project (--enterprise-project-id).';
  }
  if (error instanceof NotFoundError) {
    return ctx.command === 'containers'
      ? 'Check --project-id and --region/--endpoint.'
      : 'Check the id, --project-id and --region/--endpoint; the task or file may also have expired.';
  }
  if (error instanceof RateLimitError)
    return 'The API is throttling requests; the CLI already retried. Wait a minute and try again.';
  if (error instanceof ServerError)
    return 'The service failed; try again later, quoting the request id to Huawei support if it persists.';
  return undefined;
}

// A create call that failed after it may have reached the service is never retried
// (it would start a second export), so say so.
function maybeCreated(error: unknown, ctx: FailureContext): string | undefined {
  if (ctx.phase !== 'create' || ctx.taskId) return undefined;
  // The service answered 200 and the answer broke off: the task exists, its ID was lost.
  if ((error instanceof ConnectionError || error instanceof MalformedResponseError) && error.status === 200) {
    return 'The service answered HTTP 200, so an export task was created, but its ID could not be read. It was not retried, to avoid a second export.';
  }
  const uncertain =
    error instanceof ServerError ||
    error instanceof MalformedResponseError ||
    (error instanceof TimeoutError && !(error instanceof ExportTimeoutError)) ||
    (error instanceof ConnectionError && !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.code ?? ''));
  return uncertain
    ? 'The export task may have been created anyway; it was not retried, to avoid a duplicate export.'
    : undefined;
}

function proxyHint({ origin, variable, refusedWith }: ProxyRoute): string {
  const proxy = `the proxy ${origin} (from ${variable})`;
  if (refusedWith === 407)
    return `Nothing reached the API: ${proxy} wants credentials it did not get or accept. Check the user and password in ${variable} (http://user:password@host:port, special characters %-encoded).`;
  if (refusedWith)
    return `Nothing reached the API: ${proxy} refused the request (HTTP ${refusedWith}). Check that it lets you reach the endpoint, or exclude the endpoint's host with NO_PROXY.`;
  return `The request went through ${proxy}: check that the proxy is up and reachable, NO_PROXY, and --region/--endpoint.`;
}

function configMessage(message: string): string {
  // The client words its settings for library callers; name the flags instead.
  return message
    .replace(/`region`/g, '--region')
    .replace(/`endpoint`/g, '--endpoint')
    .replace(/`projectId`/g, '--project-id')
    .replace(/`credentials`/g, '--token-stdin')
    .replace(/pass overwrite: true \(--force on the CLI\)/g, 'pass --force');
}

export function describeError(error: unknown, ctx: FailureContext): DescribedError {
  const base = (exitCode: number, message: string, hints: (string | undefined)[] = []): DescribedError => ({
    exitCode,
    type: error instanceof Error ? error.name : typeof error,
    message,
    hints: hints.filter((h): h is string => !!h),
  });

  const interrupted = ctx.interrupted ?? (error instanceof InterruptedError ? error.signal : undefined);
  if (interrupted) {
    const exitCode = interrupted === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM;
    const what = ctx.phase === 'download' ? '; the partial download was removed' : '';
    const createInFlight =
      ctx.phase === 'create' && !ctx.taskId
        ? 'If the create request had already reached the service, the export task runs anyway.'
        : undefined;
    return {
      ...base(exitCode, `interrupted (${interrupted})${what}`, [createInFlight, ...resumeHints(ctx)]),
      type: 'Interrupted',
    };
  }
  if (error instanceof UsageError) {
    return base(ExitCode.USAGE, error.message, [
      `Run "hss-export ${ctx.command === 'main' ? '' : `${ctx.command} `}--help" for usage.`,
    ]);
  }
  if (error instanceof ValidationError) {
    const lines = error.problems.map(
      (p) =>
        `  - ${p.message.startsWith(p.path) ? flagForPath(p.path, ctx.flags) + p.message.slice(p.path.length) : p.message}`,
    );
    return base(ExitCode.USAGE, `invalid request, nothing was sent:\n${lines.join('\n')}`, [
      `Run "hss-export ${ctx.command} --help" for the allowed values.`,
    ]);
  }
  if (error instanceof NoCredentialsError) {
    return base(ExitCode.USAGE, configMessage(error.message), [
      'With the CLI you can also pipe an IAM token into --token-stdin.',
    ]);
  }
  if (error instanceof ConfigError) return base(ExitCode.USAGE, configMessage(error.message));
  if (error instanceof CredentialSourceError) {
    // The metadata service or IAM could not give credentials or the project ID; nothing reached HSS.
    return base(ExitCode.API, clean(error.message), [
      error.retryable ? 'This may pass: try again in a moment.' : undefined,
      'Or set the credentials another way (see hss-export --help, "Credentials").',
    ]);
  }
  if (error instanceof DownloadError) {
    if (error.code === 'DESTINATION_EXISTS') {
      return base(
        ExitCode.USAGE,
        `${error.destination} already exists; pass --force to replace it, or choose another --out`,
      );
    }
    if (error.code === 'INCOMPLETE_ZIP') {
      // The client's message already says that nothing was left behind.
      return base(ExitCode.DOWNLOAD, `download failed (INCOMPLETE_ZIP): ${error.message}`, [
        'The answer started like a zip archive but did not end as one: the connection was most likely cut short. If it happens again, something between you and the API (a proxy or gateway) may be cutting or rewriting the download.',
        ...resumeHints(ctx),
      ]);
    }
    if (error.code === 'STALLED') {
      return base(ExitCode.DOWNLOAD, `download failed (STALLED): ${clean(error.message)}; no partial file was left`, [
        'The server stopped sending. Try again; if it keeps happening, check the network or proxy.',
        ...resumeHints(ctx),
      ]);
    }
    if (error.code === 'DESTINATION_NOT_WRITABLE') {
      // Checked before anything was sent too; reaching this means the folder changed since.
      return base(ExitCode.DOWNLOAD, `download failed (DESTINATION_NOT_WRITABLE): ${error.message}`, [
        'Fix the folder, or choose another --out, and download again.',
        ...resumeHints(ctx),
      ]);
    }
    return base(
      ExitCode.DOWNLOAD,
      `download failed (${error.code}): ${error.message}; no partial file was left`,
      resumeHints(ctx),
    );
  }
  if (error instanceof RedirectError) {
    return base(ExitCode.API, clean(error.message), [
      'Nothing was sent to the redirect target. If the endpoint really moved, pass the new one with --endpoint.',
      ...resumeHints(ctx),
    ]);
  }
  if (error instanceof ApiError) {
    // Server text, printed on lines of our own: cleaned so it cannot forge another line.
    const lines = [`the API answered HTTP ${error.status} while ${describePhase(ctx.phase)}`];
    lines.push(`  error_code: ${clean(error.errorCode ?? '(none)')}`);
    lines.push(`  error_msg:  ${clean(error.errorMsg ?? '(none)')}`);
    lines.push(`  request id: ${clean(error.requestId ?? '(none)')}`);
    return {
      ...base(ExitCode.API, lines.join('\n'), [apiHint(error, ctx), maybeCreated(error, ctx), ...resumeHints(ctx)]),
      errorCode: error.errorCode,
      errorMsg: error.errorMsg,
      requestId: error.requestId,
    };
  }
  if (error instanceof ExportFailedError) {
    return base(ExitCode.TASK_FAILED, `export task ${clean(error.taskId)} ended with task_status "failure"`, [
      'Nothing was downloaded. Run the export again to create a new task.',
    ]);
  }
  if (error instanceof ExportTimeoutError) {
    return base(
      ExitCode.TIMEOUT,
      `export task ${clean(error.taskId)} was still ${error.lastStatus ?? 'not finished'} after ${formatDuration(error.timeoutMs)} (--timeout)`,
      resumeHints({ ...ctx, taskId: error.taskId }),
    );
  }
  if (error instanceof TimeoutError) {
    return base(
      ExitCode.TIMEOUT,
      `no answer from the API within ${formatDuration(error.timeoutMs)} while ${describePhase(ctx.phase)}`,
      [maybeCreated(error, ctx), ...resumeHints(ctx)],
    );
  }
  if (error instanceof MalformedResponseError) {
    const id = error.requestId ? ` (request id ${clean(error.requestId)})` : '';
    return {
      ...base(ExitCode.API, `unexpected answer from the API: ${clean(error.message)}${id}`, [
        maybeCreated(error, ctx),
        ...resumeHints(ctx),
      ]),
      requestId: error.requestId,
    };
  }
  if (error instanceof ConnectionError) {
    const proxy = lastProxyRoute();
    return base(ExitCode.API, clean(error.message), [
      proxy ? proxyHint(proxy) : 'Check --region/--endpoint and the network (proxy, firewall, DNS).',
      // A proxy that refused the request never passed it on, so no task can have been created.
      proxy?.refusedWith ? undefined : maybeCreated(error, ctx),
      ...resumeHints(ctx),
    ]);
  }
  // Body-stream failures (the connection closed mid-file) reach us unwrapped from fetch.
  if (ctx.phase === 'download' && !(error instanceof HssError)) {
    const detail = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
    const got = ctx.bytes === undefined ? '' : ` after ${ctx.bytes} bytes`;
    return {
      ...base(
        ExitCode.DOWNLOAD,
        `the download broke off${got} (${detail}); no partial file was left`,
        resumeHints(ctx),
      ),
      type: 'DownloadError',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return base(ExitCode.INTERNAL, `unexpected error: ${message}`, [
    ctx.debug ? undefined : 'Run again with --debug for details.',
  ]);
}

function causeText(error: Error): string {
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  if (!cause) return '';
  const text = typeof cause.message === 'string' ? cause.message : '';
  const code = typeof cause.code === 'string' ? cause.code : '';
  return text || code ? `: ${[text, code && `(${code})`].filter(Boolean).join(' ')}` : '';
}

function describePhase(phase: Phase): string {
  switch (phase) {
    case 'create':
      return 'creating the export task';
    case 'wait':
      return 'checking the export task';
    case 'download':
      return 'downloading the file';
    default:
      return 'starting';
  }
}

/** --debug: everything we know about the error, minus anything that could be a secret. */
export function debugDetails(error: unknown): string[] {
  const lines: string[] = [];
  if (error instanceof HssError) lines.push(`debug: ${error.name} ${JSON.stringify(error)}`);
  if (error instanceof Error) {
    lines.push(`debug: ${error.stack ?? error.message}`);
    let cause: unknown = error.cause;
    for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause) {
      lines.push(`debug: caused by ${cause.stack ?? cause.message}`);
    }
  } else {
    lines.push(`debug: thrown value ${String(error)}`);
  }
  return lines;
}
