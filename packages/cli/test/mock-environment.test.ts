// --mock starts Prism as a child process. Prism needs no credentials, so none of the
// user's may reach its environment (where any crash report, log or child of it could
// show them). Read from /proc/<pid>/environ of the Prism process a --mock run started.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { AK, type CliResult, SECRET_ENV, SECRETS, startCli } from './support/run-cli.js';

const CREDENTIAL_VARIABLES = [
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'HSS_EXPORT_TOKEN',
];

// This checkout's Prism, resolved as the mock server resolves it (its bin, symlinks followed).
const fromMockServer = createRequire(createRequire(import.meta.url).resolve('@hss-export/mock-server'));
const prismPackage = fromMockServer.resolve('@stoplight/prism-cli/package.json');
const PRISM_BIN = join(dirname(prismPackage), (fromMockServer(prismPackage) as { bin: { prism: string } }).bin.prism);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Prism process (not its leash) serving `port`: `node <this checkout's prism> mock … --port <port>`. */
async function prismPids(port: number): Promise<number[]> {
  const pattern = `^\\S+ ${escapeRegex(PRISM_BIN)} mock .*--port ${port}( |$)`;
  try {
    const { stdout } = await promisify(execFile)('pgrep', ['-f', pattern]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch (error) {
    // pgrep exits 1 when nothing matches.
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}

interface Observed {
  result: CliResult;
  pids: number[];
  environment: Map<string, string>;
}

describe.runIf(process.platform === 'linux')('--mock with credentials in the environment', () => {
  let observed: Observed;

  beforeAll(async () => {
    const cli = startCli(['get-export-task', '--mock', '--task-id', 'test', '--json'], { env: SECRET_ENV });
    // Printed right before the CLI spawns Prism on that port.
    const [, port] = await cli.stderrMatches(/Starting the Prism mock .* on http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
    // Prism lives from now until the CLI is done with it (a second or more: it starts slowly).
    let exited = false;
    void cli.result.then(() => (exited = true));
    let pids: number[] = [];
    for (let tries = 0; pids.length === 0 && !exited && tries < 1000; tries++) {
      pids = await prismPids(Number(port));
      if (pids.length === 0) await pause(20);
    }
    const environment = new Map<string, string>();
    if (pids.length === 1) {
      for (const entry of (await readFile(`/proc/${pids[0]}/environ`, 'utf8')).split('\0').filter(Boolean)) {
        const eq = entry.indexOf('=');
        environment.set(entry.slice(0, eq), entry.slice(eq + 1));
      }
    }
    observed = { result: await cli.result, pids, environment };
  }, 60_000);

  it('the run succeeds, and its Prism process was found and its environment read', () => {
    expect(observed.result.code, observed.result.stderr).toBe(0);
    expect(observed.pids).toHaveLength(1);
    // It is the environment of a process started from ours: PATH came along.
    expect(observed.environment.get('PATH')).toBe(process.env.PATH);
  });

  // Fails today: startPrism (in @hss-export/mock-server) spawns Prism with the CLI's whole
  // environment. Once the mock server passes Prism a scrubbed one, this test starts
  // "passing unexpectedly": then turn it.fails into it.
  it.fails('Prism gets none of the credential variables, nor their values', () => {
    for (const name of CREDENTIAL_VARIABLES) expect(observed.environment.has(name), name).toBe(false);
    const values = [...observed.environment.values()].join('\n');
    for (const secret of [...SECRETS, AK]) expect(values).not.toContain(secret);
  });
});
