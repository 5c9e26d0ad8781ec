// Runs the built CLI (dist/bin.js) as a child process, the way users run it. Every child
// is tracked so a failing test cannot leave one behind, and every output is recorded so
// the after-each check (setup.ts) can assert that no credential was ever printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { startScriptedServer, type ScriptedServer, type Step } from './scripted-server.js';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

// Distinctive values, so that finding one in any output can only mean a leak.
export const AK = 'AKID-LEAKCHECK-7f3e19c2';
export const SK = 'sk-SECRET-4c1f9e27d3b8';
export const SECURITY_TOKEN = 'sts-SECRET-88aa17f0c2e6';
export const TOKEN = 'tok-SECRET-5d2e93b7a1f4';
export const STDIN_TOKEN = 'stdin-SECRET-0e6b2a9d71c3';
export const SECRETS = [AK, SK, SECURITY_TOKEN, TOKEN, STDIN_TOKEN];
export const PROJECT = 'project-1';

/** AK/SK with a security token and a token, all at once: every secret the CLI might see. */
export const SECRET_ENV = {
  HUAWEICLOUD_SDK_AK: AK,
  HUAWEICLOUD_SDK_SK: SK,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN,
  HSS_EXPORT_TOKEN: TOKEN,
  HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
};

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The child's whole environment besides PATH (nothing is inherited from the test run). */
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** Another copy of bin.js (default: this package's dist/bin.js). */
  bin?: string;
  /** Run the child as this user and group (only root may): for permission tests under root. */
  uid?: number;
  gid?: number;
  /** Leave stdout unread (the pipe fills and the child must wait) until releaseStdout(). */
  holdStdout?: boolean;
}

export interface RunningCli {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves once stderr matches, with the match. */
  stderrMatches(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** With holdStdout: start reading stdout. */
  releaseStdout(): void;
}

const children = new Set<ChildProcess>();
const outputs: CliResult[] = [];

export function startCli(args: string[], options: RunOptions = {}): RunningCli {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? tmpdir(),
    // The instance metadata service is the provider chain's last source: in tests it is a
    // closed loopback port, never the link-local address.
    env: {
      PATH: process.env.PATH ?? '',
      HSS_EXPORT_TEST_METADATA_URL: 'http://127.0.0.1:9',
      ...(options.env ?? SECRET_ENV),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  const readStdout = () => child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  if (!options.holdStdout) readStdout();
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const w of watchers) {
      const match = w.pattern.exec(stderr);
      if (match) w.resolve(match);
    }
  });
  child.stdin!.end(options.input ?? '');
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      const done = { code, signal, stdout, stderr };
      outputs.push(done);
      resolve(done);
    });
  });
  return {
    child,
    result,
    releaseStdout: () => {
      if (options.holdStdout && child.stdout!.listenerCount('data') === 0) readStdout();
    },
    stderrMatches: (pattern, timeoutMs = 10_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const already = pattern.exec(stderr);
        if (already) return resolve(already);
        const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}:\n${stderr}`)), timeoutMs);
        watchers.push({
          pattern,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
        void result.then(() =>
          setTimeout(() => reject(new Error(`exited before stderr matched ${pattern}:\n${stderr}`)), 10),
        );
      }),
  };
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** For setup.ts: kill whatever a failed test left running. */
export function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** For setup.ts: the outputs produced since the last call. */
export function takeOutputs(): CliResult[] {
  return outputs.splice(0);
}

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hss-cli-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every entry in `dir`, hidden ones (temporary .part files) included. */
export function entries(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** A scripted server that is closed after the test. */
export async function scripted(routes: Record<string, Step[]>): Promise<ScriptedServer> {
  const server = await startScriptedServer(routes);
  onTestFinished(() => server.close());
  return server;
}

/** --json output: exactly one JSON object on stdout, nothing else. */
export function jsonOf(result: CliResult): Record<string, unknown> {
  const lines = result.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1)
    throw new Error(`expected one line of JSON on stdout, got ${lines.length}:\n${result.stdout}`);
  const value: unknown = JSON.parse(lines[0]!);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`not a JSON object: ${lines[0]}`);
  return value as Record<string, unknown>;
}

export const RESULT_KEYS = ['bytes', 'error', 'file_id', 'file_name', 'mock', 'path', 'status', 'task_id'];
