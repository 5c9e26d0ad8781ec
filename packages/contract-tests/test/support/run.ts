// Running the commands a test needs (pnpm pack, npm install, tsc, a nested vitest) so that
// none of them outlives the test file: each runs under leash.mjs, which stops its whole
// process group when the command ends, when stopAll() is called (afterAll), or when this
// process goes away without calling it. Waiting is for the process's exit event; the
// deadline only guards against a hang, and its error says what was being waited for.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const LEASH = join(import.meta.dirname, 'leash.mjs');

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** How long the command may take before it is stopped and the run fails. */
  deadlineMs: number;
  /** What the command is for, in messages (default: the command line). */
  what?: string;
  /** Each complete line of output as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface Ran {
  /** The command's exit code; 128 + n when signal n ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const tail = (text: string, max = 4000) => (text.length > max ? `…${text.slice(-max)}` : text);

/** The processes one test file started: stopAll() in its afterAll stops the ones still running. */
export class Children {
  readonly #running = new Map<ChildProcess, Promise<void>>();

  /** Runs a command to its end and resolves with its exit code and output (any code). */
  run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
    const what = options.what ?? `${command} ${args.join(' ')}`;
    const started = Date.now();
    const child = spawn(process.execPath, [LEASH, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    this.#running.set(child, exited);
    const output = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        output[stream] += chunk;
        if (!options.onLine) return;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) options.onLine(line, stream);
      });
      child[stream].on('end', () => partial && options.onLine?.(partial, stream));
    }
    return new Promise<Ran>((resolveRun, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGTERM'); // the leash stops the command's whole group
        reject(
          new Error(
            `gave up after ${options.deadlineMs / 1000} s waiting for ${what} (in ${options.cwd}) to finish\n` +
              `stdout: ${tail(output.stdout)}\nstderr: ${tail(output.stderr)}`,
          ),
        );
      }, options.deadlineMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        this.#running.delete(child);
        resolveRun({ code, ...output, ms: Date.now() - started });
      });
    });
  }

  /** Runs a command to its end; rejects, with its output, unless it exits 0. Resolves with stdout. */
  async mustRun(command: string, args: readonly string[], options: RunOptions): Promise<string> {
    const ran = await this.run(command, args, options);
    if (ran.code !== 0) {
      throw new Error(
        `${options.what ?? `${command} ${args.join(' ')}`} (in ${options.cwd}) exited ${ran.code}\n` +
          `stdout: ${tail(ran.stdout)}\nstderr: ${tail(ran.stderr)}`,
      );
    }
    return ran.stdout;
  }

  /** How many commands are still running. */
  get size(): number {
    return this.#running.size;
  }

  /** Stops every command still running (with everything it started) and waits until they are gone. */
  async stopAll(): Promise<void> {
    const waits = [...this.#running].map(([child, exited]) => {
      child.kill('SIGTERM');
      return exited;
    });
    await Promise.all(waits);
  }
}
