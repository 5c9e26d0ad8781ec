// The hss-export-mock executable: prints its URL once ready, plays --scenario, stops cleanly
// on SIGTERM and SIGINT (also mid start-up), and refuses bad flags with exit code 2.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childrenOf, isRunning, processesMatching, until } from './support/processes.js';

const BIN = join(import.meta.dirname, '../dist/bin.js');
const children = new Set<ChildProcess>();
afterEach(() => {
  // Only reached with a child still running when a test failed; its leash stops Prism.
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout match of `pattern`, rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c));
  child.stderr!.on('data', (c: Buffer) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) {
            child.stdout!.off('data', check);
            resolve(match);
          }
        };
        child.stdout!.on('data', check);
        check();
        exit.then(({ code }) => reject(new Error(`exited (${code}) before printing ${pattern}:\n${out}\n${err}`)));
      }),
  };
}

const status = async (url: string) => {
  const res = await fetch(`${url}/v5/p1/export-task/t1`, { headers: { 'X-Auth-Token': 't' } });
  return ((await res.json()) as { task_status: string }).task_status;
};

describe('hss-export-mock', () => {
  it('prints its URL when ready, plays --scenario, and SIGTERM stops it and Prism (exit 0)', async () => {
    const mock = run(['--port', '0', '--scenario', 'running,success']);
    const [, url] = await mock.waitFor(
      /listening on (http:\/\/127\.0\.0\.1:\d+) \(scenario running,success; Ctrl-C to stop\)/,
    );
    expect(await status(url!)).toBe('running');
    expect(await status(url!)).toBe('success');
    const health = await fetch(`${url}/_mock/health`);
    expect(await health.json()).toEqual({ status: 'ready', scenario: 'running,success' });
    const leashes = process.platform === 'linux' ? childrenOf(mock.child.pid!) : [];
    mock.child.kill('SIGTERM');
    expect(await mock.exit).toEqual({ code: 0, signal: null });
    expect(mock.stdout()).toContain('hss-export-mock: stopped');
    // Nothing but Prism's own warnings would be on stderr; this run had none.
    expect(mock.stderr()).toBe('');
    await expect(fetch(`${url}/_mock/health`)).rejects.toThrow();
    if (process.platform === 'linux') {
      expect(leashes).toHaveLength(1);
      expect(processesMatching('leash.js').filter((p) => leashes.includes(p.pid))).toEqual([]);
    }
  });

  it.runIf(process.platform === 'linux')(
    'SIGINT while Prism is still starting exits 130 at once, and Prism is stopped',
    async () => {
      const mock = run(['--port', '0']);
      const pid = mock.child.pid!;
      // Mid start-up: the leash (and so Prism) has been spawned, and nothing has been printed yet.
      await until('the bin to spawn Prism', () => childrenOf(pid).length > 0);
      const [leash] = childrenOf(pid);
      expect(mock.stdout()).toBe('');
      mock.child.kill('SIGINT');
      expect(await mock.exit).toEqual({ code: 130, signal: null });
      expect(mock.stdout()).not.toContain('listening on');
      expect(processesMatching('leash.js').filter((p) => p.pid === leash)).toEqual([]);
    },
  );

  it.runIf(process.platform === 'linux')('stops by itself when the process that started it exits', async () => {
    // `; true` keeps sh from exec'ing node in its place: sh stays the parent, as under npx.
    const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" --port 0; true`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(sh);
    let out = '';
    sh.stdout!.on('data', (c: Buffer) => (out += c));
    const closed = new Promise<void>((resolve) => sh.stdout!.once('close', () => resolve()));
    await until('the mock to print its URL', () => out.includes('listening on'));
    const [mock] = childrenOf(sh.pid!);
    const leashes = childrenOf(mock!);
    sh.kill('SIGKILL');
    // The pipe closes when the mock, its last holder, has exited.
    await closed;
    children.delete(sh);
    expect(out).toContain('hss-export-mock: stopped (the process that started it exited)');
    await until('the mock and its Prism leash to be gone', () => !isRunning(mock!) && !leashes.some(isRunning));
  });

  it.each([
    [['--port', 'abc'], '--port must be a whole number from 0 to 65535, got "abc"'],
    [['--bogus'], "Unknown option '--bogus'; run hss-export-mock --help for the options"],
    [['--port', '0', '--scenario', 'sucess'], 'unknown scenario "sucess": use one of default, failure'],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const mock = run(args);
    expect((await mock.exit).code).toBe(2);
    expect(mock.stderr()).toContain(`hss-export-mock: ${message}`);
  });

  it('--help lists the scenarios', async () => {
    const mock = run(['--help']);
    expect((await mock.exit).code).toBe(0);
    for (const name of ['default', 'failure', 'rate-limited', 'server-error', 'unauthorized', 'token-expired']) {
      expect(mock.stdout()).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(mock.stdout()).toContain('/_scenario/<scenario>/<session>');
  });
});
