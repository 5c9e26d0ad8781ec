// The whole CLI as a function: pick the command, run it, print the result or the error,
// clean up, and return the exit code. bin.ts wires it to the process.
import { operations } from '@hss-export/client/spec';
import { containers } from './commands/containers.js';
import { download } from './commands/download.js';
import { operationCommand } from './commands/operation.js';
import { status } from './commands/status.js';
import type { Context, Io, ResultRecord, RunState } from './context.js';
import { debugDetails, describeError, UsageError, type DescribedError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { containersHelp, downloadHelp, mainHelp, statusHelp } from './help.js';
import { Secrets, Writer } from './output.js';
import { Progress } from './progress.js';
import { VERSION } from './version.js';

type Command = (ctx: Context, args: readonly string[]) => Promise<string[]>;

/** The friendly front door, then one command per spec operation (a friendly name wins). */
const API_COMMANDS = Object.values(operations).map(operationCommand);
const COMMANDS: Record<string, { run: Command; help: () => string }> = {
  ...Object.fromEntries(API_COMMANDS.map((c) => [c.name, c])),
  containers: { run: containers, help: containersHelp },
  status: { run: status, help: statusHelp },
  download: { run: download, help: downloadHelp },
};
const mainHelpText = () => mainHelp(API_COMMANDS);

export interface RunOptions {
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Which signal aborted the run, if one did. */
  interruptedBy?: () => 'SIGINT' | 'SIGTERM' | undefined;
}

function record(state: RunState, error: DescribedError | undefined): ResultRecord {
  return {
    task_id: state.taskId ?? null,
    status: state.status ?? null,
    file_id: state.fileId ?? null,
    file_name: state.fileName ?? null,
    path: state.path ?? null,
    bytes: state.bytes ?? null,
    mock: state.mock,
    error: error
      ? {
          exit_code: error.exitCode,
          type: error.type,
          message: error.message,
          error_code: error.errorCode ?? null,
          error_msg: error.errorMsg ?? null,
          request_id: error.requestId ?? null,
        }
      : null,
  };
}

export async function run(argv: readonly string[], io: Io, options: RunOptions): Promise<number> {
  const secrets = Secrets.fromEnv(io.env);
  const out = new Writer(io.stdout, secrets);
  const err = new Writer(io.stderr, secrets);
  // Known before strict parsing, so that even a parse error honours them.
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  const json = flags.includes('--json');
  const debug = flags.includes('--debug');
  const wantsHelp = flags.includes('--help') || flags.includes('-h');

  const [name, ...args] = argv;
  if (name === undefined) {
    err.write(mainHelpText());
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    out.write(topic && Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic]!.help() : mainHelpText());
    return ExitCode.OK;
  }
  if (name === '--version' || name === '-v') {
    out.line(VERSION);
    return ExitCode.OK;
  }
  // hasOwn: "constructor" or "__proto__" must be unknown commands, not Object.prototype's.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command && wantsHelp) {
    out.write(command.help());
    return ExitCode.OK;
  }

  const state: RunState = { phase: 'setup', mock: false, resumeArgs: [] };
  const cleanups: (() => unknown)[] = [];
  const progress = new Progress(err);
  const ctx: Context = {
    command: name,
    io,
    out,
    err,
    progress,
    secrets,
    signal: options.signal,
    debug,
    json,
    state,
    onCleanup: (cleanup) => cleanups.push(cleanup),
    debugLog: (text) => {
      if (debug) {
        progress.note(`debug: ${text}`);
      }
    },
    now: io.now ?? (() => new Date()),
  };

  try {
    if (!command) {
      const hint = name.startsWith('-') ? '' : ` (commands: ${Object.keys(COMMANDS).join(', ')})`;
      throw new UsageError(`unknown command ${JSON.stringify(name)}${hint}`);
    }
    const lines = await command.run(ctx, args);
    progress.stop();
    if (json) out.line(JSON.stringify(state.generic ? state.answer : record(state, undefined)));
    else for (const line of lines) out.line(line);
    return ExitCode.OK;
  } catch (error) {
    progress.stop();
    const described = describeError(error, {
      command: command ? name : 'main',
      phase: state.phase,
      taskId: state.taskId,
      fileId: state.fileId,
      out: state.out,
      bytes: state.received,
      resumeArgs: state.resumeArgs,
      flags: state.flags,
      interrupted: options.interruptedBy?.(),
      debug,
    });
    err.line(`hss-export: ${described.message}`);
    for (const hint of described.hints) err.line(hint);
    if (debug) for (const line of debugDetails(error)) err.line(line);
    if (json)
      out.line(JSON.stringify(state.generic ? { error: record(state, described).error } : record(state, described)));
    return described.exitCode;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        err.line(`hss-export: cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
