// What a command receives: where to print, the abort signal for Ctrl-C, and the run state
// that error messages and --json output are built from.
import type { Phase } from './errors.js';
import type { Secrets, TextSink, Writer } from './output.js';
import type { Progress } from './progress.js';

export interface Stdin extends AsyncIterable<Buffer | string> {
  isTTY?: boolean | undefined;
  setRawMode?: ((mode: boolean) => unknown) | undefined;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The process's surroundings, injectable for tests. */
export interface Io {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: Stdin;
  stdout: TextSink;
  stderr: TextSink;
  now?: () => Date;
}

/** Everything known so far about this run; the --json result is made from it. */
export interface RunState {
  phase: Phase;
  taskId?: string | undefined;
  taskName?: string | undefined;
  status?: string | undefined;
  fileId?: string | undefined;
  fileName?: string | undefined;
  /** Where the file is meant to go (for hints), before it exists. */
  out?: string | undefined;
  /** The written file, once it exists. */
  path?: string | undefined;
  bytes?: number | undefined;
  /** Bytes received so far during the download. */
  received?: number | undefined;
  mock: boolean;
  resumeArgs: string[];
  /** A command made from a spec operation: --json prints its answer, not the export record. */
  generic?: boolean;
  /** That command's answer, for --json. */
  answer?: unknown;
  /** The command's own names for request fields, for error messages (errors.ts flagForPath). */
  flags?: Readonly<Record<string, string>>;
}

export interface Context {
  command: string;
  io: Io;
  out: Writer;
  err: Writer;
  progress: Progress;
  secrets: Secrets;
  signal: AbortSignal;
  debug: boolean;
  json: boolean;
  state: RunState;
  /** Run after the command, success or not (e.g. stop the Prism mock). */
  onCleanup(cleanup: () => unknown): void;
  debugLog(text: string): void;
  now(): Date;
}

/** The one object `--json` prints. */
export interface ResultRecord {
  task_id: string | null;
  status: string | null;
  file_id: string | null;
  file_name: string | null;
  path: string | null;
  bytes: number | null;
  mock: boolean;
  error: null | {
    exit_code: number;
    type: string;
    message: string;
    error_code: string | null;
    error_msg: string | null;
    request_id: string | null;
  };
}
