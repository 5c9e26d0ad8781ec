// The process exit codes are part of the CLI's public contract: scripts branch on them.
// Keep this table, the --help text (help.ts) and README.md in step.
export const ExitCode = {
  OK: 0,
  /** A bug or an error nobody planned for. */
  INTERNAL: 1,
  /** Bad flags, bad values, missing settings, or an --out file that already exists. */
  USAGE: 2,
  /** The API answered with an error, answered nonsense, or could not be reached. */
  API: 3,
  /** The export task ended with task_status "failure". */
  TASK_FAILED: 4,
  /** The wait (--timeout) or a single request ran out of time. */
  TIMEOUT: 5,
  /** The download broke off, was not a zip archive, or could not be written. */
  DOWNLOAD: 6,
  /** 128 + signal number, as shells report a process killed by that signal. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.OK, 'success'],
  [ExitCode.INTERNAL, 'unexpected internal error (run again with --debug)'],
  [ExitCode.USAGE, 'usage or validation error: bad flag or value, unknown column, missing credentials, --out exists'],
  [ExitCode.API, 'API error (error_code, error_msg and request id are printed), bad answer, or no connection'],
  [ExitCode.TASK_FAILED, 'the export task ended in failure'],
  [ExitCode.TIMEOUT, 'timed out; the task id is printed so you can resume'],
  [ExitCode.DOWNLOAD, 'download failed (truncated, not a zip, cannot write); no partial file is left'],
  [ExitCode.SIGINT, 'interrupted (Ctrl-C); no partial file is left'],
  [ExitCode.SIGTERM, 'terminated (SIGTERM); no partial file is left'],
];
