// The launcher: Prism gets only the environment it needs, starts without logging noise,
// stops on stop(), on an abort during start-up and when the process that started it is
// killed outright; the public port fails fast when taken.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, prismEnvironment, startMock, startPrism } from '../dist/index.js';
import { resolvePrism } from '../dist/prism.js';
import { childrenOf, environmentOf, processesMatching, until } from './support/processes.js';

const linux = process.platform === 'linux';

/** True when something answers HTTP on the URL. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/_mock/health`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('the Prism launcher', () => {
  it.runIf(linux)('Prism and its leash get PATH and nothing else: no credentials from our environment', async () => {
    const secrets = {
      HUAWEICLOUD_SDK_AK: 'AKSECRETFROMTEST',
      HUAWEICLOUD_SDK_SK: 'sk-secret-from-test',
      HSS_EXPORT_TOKEN: 'token-secret-from-test',
      NODE_OPTIONS: '--max-old-space-size=4096',
    };
    Object.assign(process.env, secrets);
    let mock: Awaited<ReturnType<typeof startMock>> | undefined;
    try {
      mock = await startMock({ scenario: 'failure' });
      const prismPort = new URL(mock.prismUrl).port;
      const [leash] = processesMatching('leash.js', `--port ${prismPort}`);
      expect(leash, `no leash process for Prism on port ${prismPort}`).toBeDefined();
      const [prism] = childrenOf(leash!.pid);
      expect(prism, 'the leash has no child process').toBeDefined();
      for (const pid of [leash!.pid, prism!]) {
        const env = environmentOf(pid);
        expect(Object.keys(env)).toEqual(['PATH']);
        expect(env.PATH).toBe(process.env.PATH);
        const raw = JSON.stringify(env);
        for (const value of Object.values(secrets)) expect(raw).not.toContain(value);
      }
      expect(prismEnvironment({ PATH: '/bin', HSS_EXPORT_TOKEN: 'x', HOME: '/root' })).toEqual({ PATH: '/bin' });
      // startMock({ scenario }) is what the mock's own URL plays.
      const res = await fetch(`${mock.url}/v5/p1/export-task/t1`, { headers: { 'X-Auth-Token': 't' } });
      expect(((await res.json()) as { task_status: string }).task_status).toBe('running');
    } finally {
      for (const name of Object.keys(secrets)) delete process.env[name];
      await mock?.stop();
    }
  });

  it('the readiness probe leaves Prism’s log empty of errors, and stop() takes Prism down', async () => {
    const lines: string[] = [];
    const prism = await startPrism({ log: (line) => lines.push(line) });
    let stopped = false;
    try {
      const res = await fetch(`${prism.url}/v5/p1/export-task/t1`, { headers: { 'X-Auth-Token': 't' } });
      expect(res.status).toBe(200);
      await prism.stop();
      stopped = true;
      // Prism's one line at warn level is its start notice; the probe added nothing.
      expect(lines.filter((l) => !/awaiting\s+Starting Prism/.test(l))).toEqual([]);
      await expect(fetch(`${prism.url}/v5/p1/export-task/t1`)).rejects.toThrow();
      if (linux) expect(processesMatching('prism', `--port ${prism.port}`)).toEqual([]);
    } finally {
      if (!stopped) await prism.stop();
    }
  });

  it('resolves Prism’s CLI with the sibling versions package.json pins', () => {
    const prism = resolvePrism();
    expect(prism.version).toBe('5.14.2');
    expect(prism.bin).toMatch(/prism-cli[/\\]dist[/\\]index\.js$/);
  });

  it('an abort during start-up stops Prism and the public port, and rejects with the abort reason', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const reason = new Error('interrupted by the test');
    const starting = startMock({ port, signal: controller.signal });
    // The public port is taken before Prism starts: abort once it answers (requests are held).
    await until('the public port to accept connections', () => portTaken(port));
    controller.abort(reason);
    await expect(starting).rejects.toBe(reason);
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
    // The rejection came after the leash (and with it Prism) had exited: none is left among our children.
    if (linux) expect(leashesOf(process.pid)).toEqual([]);
  });

  it('an already-aborted signal rejects before anything starts', async () => {
    const reason = new Error('aborted before the call');
    await expect(startMock({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(startPrism({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('a port in use fails at once, saying what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startMock({ port })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use: pass another port (0 picks a free one), or stop what is using it`,
      );
    } finally {
      blocker.close();
    }
    await expect(startMock({ port: 70000 })).rejects.toThrow(
      'startMock: port must be a whole number from 0 to 65535, got 70000',
    );
    await expect(startMock({ scenario: 'nope' })).rejects.toThrow(/unknown scenario "nope"/);
  });

  it.runIf(linux)(
    'a Prism that dies under a running mock is reported, and API requests get a 503 saying so',
    async () => {
      const mock = await startMock();
      try {
        const prismPort = new URL(mock.prismUrl).port;
        const [leash] = processesMatching('leash.js', `--port ${prismPort}`);
        const [prism] = childrenOf(leash!.pid);
        process.kill(prism!, 'SIGKILL');
        const error = await mock.crashed;
        expect(error.message).toMatch(/exited unexpectedly .*restart the mock/);
        const res = await fetch(`${mock.url}/v5/p1/export-task/t1`, { headers: { 'X-Auth-Token': 't' } });
        expect(res.status).toBe(503);
        expect(((await res.json()) as { error_code: string }).error_code).toBe('HSS_MOCK.ENGINE_EXITED');
      } finally {
        await mock.stop();
      }
    },
  );

  it.runIf(linux)('Prism stops when the process that started it is killed with SIGKILL', async () => {
    const script = `
      import { startMock } from ${JSON.stringify(join(import.meta.dirname, '../dist/index.js'))};
      const mock = await startMock();
      console.log(JSON.stringify({ url: mock.url, prismUrl: mock.prismUrl }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const started = await new Promise<{ url: string; prismUrl: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before the mock was ready: ${out}`)));
    });
    const prismPort = new URL(started.prismUrl).port;
    expect(processesMatching('prism', `--port ${prismPort}`).length).toBeGreaterThan(0);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await until(
      `Prism on port ${prismPort} to exit after its parent was killed`,
      () => processesMatching('prism', `--port ${prismPort}`).length === 0,
    );
    await expect(fetch(`${started.prismUrl}/v5/p1/export-task/t1`)).rejects.toThrow();
  });
});

function leashesOf(pid: number): number[] {
  return childrenOf(pid).filter((child) => processesMatching('leash.js').some((p) => p.pid === child));
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
