// The error -> message + exit code table, for the cases a subprocess test can't easily provoke.
import { describe, expect, it } from 'vitest';
import { ConfigError, ConnectionError, ExportTimeoutError, TimeoutError } from '@hss-export/client';
import { DownloadError } from '@hss-export/client/node';
import { commandLine, describeError, flagForPath, InterruptedError, type FailureContext } from '../src/errors.js';

const ctx = (more: Partial<FailureContext> = {}): FailureContext => ({
  command: 'containers',
  phase: 'create',
  resumeArgs: [],
  debug: false,
  ...more,
});

describe('describeError', () => {
  it('an unexpected error: exit 1, short message, a pointer to --debug', () => {
    const d = describeError(new RangeError('boom'), ctx({ phase: 'wait' }));
    expect(d).toMatchObject({
      exitCode: 1,
      message: 'unexpected error: boom',
      hints: ['Run again with --debug for details.'],
    });
  });

  it('a reset connection on create may have created the task; a refused one did not', () => {
    expect(describeError(new ConnectionError('reset', 'ECONNRESET'), ctx()).hints).toContain(
      'The export task may have been created anyway; it was not retried, to avoid a duplicate export.',
    );
    expect(describeError(new ConnectionError('refused', 'ECONNREFUSED'), ctx()).hints.join()).not.toContain(
      'may have been created',
    );
  });

  it('a request timeout is exit 5, with the resume command once a task exists', () => {
    const d = describeError(
      new TimeoutError('slow', 60_000),
      ctx({ phase: 'wait', taskId: 't-1', resumeArgs: ['--region', 'ap-southeast-1'] }),
    );
    expect(d.exitCode).toBe(5);
    expect(d.hints.join('\n')).toContain('hss-export status t-1 --wait --region ap-southeast-1');
    expect(describeError(new ExportTimeoutError('t-2', 'running', 90_000), ctx({ phase: 'wait' })).message).toBe(
      'export task t-2 was still running after 1m 30s (--timeout)',
    );
  });

  it('download errors are exit 6, except an existing destination (exit 2)', () => {
    expect(
      describeError(new DownloadError('NOT_A_ZIP', 'nope', '/x.zip'), ctx({ phase: 'download', fileId: 'f' })).exitCode,
    ).toBe(6);
    expect(
      describeError(new DownloadError('DESTINATION_EXISTS', 'exists', '/x.zip'), ctx({ phase: 'download' })).exitCode,
    ).toBe(2);
  });

  it('ConfigError is exit 2, worded with the CLI flags', () => {
    const d = describeError(
      new ConfigError('no region or endpoint: pass `region` (e.g. "x") or pass `endpoint`'),
      ctx(),
    );
    expect(d).toMatchObject({
      exitCode: 2,
      message: 'no region or endpoint: pass --region (e.g. "x") or pass --endpoint',
    });
  });

  it('an interruption wins over whatever error the abort caused', () => {
    expect(describeError(new Error('aborted'), ctx({ interrupted: 'SIGTERM' })).exitCode).toBe(143);
    expect(describeError(new InterruptedError('SIGINT'), ctx()).exitCode).toBe(130);
  });
});

describe('helpers', () => {
  it('maps request paths to flags', () => {
    // The client names parameters and body fields side by side, under the API's names.
    expect(flagForPath('export_size')).toBe('--export-size');
    expect(flagForPath('cluster_type')).toBe('--cluster-type');
    expect(flagForPath('create_time.end_time')).toBe('--create-time.end_time');
    // A command's own names win: containers' friendly flags, status' <taskId> argument.
    const named = { export_headers: '--column', 'create_time.end_time': '--created-before', task_id: '<taskId>' };
    expect(flagForPath('create_time.end_time', named)).toBe('--created-before');
    expect(flagForPath('export_headers[1][0]', named)).toBe('--column');
    expect(flagForPath('task_id', named)).toBe('<taskId>');
    expect(flagForPath('options.timeoutMs', named)).toBe('options.timeoutMs');
  });

  it('quotes what a shell would split, but not placeholders', () => {
    expect(commandLine(['download', 'f-1', '--out', 'my file.zip', '<path>'])).toBe(
      "hss-export download f-1 --out 'my file.zip' <path>",
    );
  });
});
