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

// This checkout's Prism, resolved as @hss-export/mock resolves it (its bin, symlinks followed).
const fromMockServer = createRequire(createRequire(import.meta.url).resolve('@hss-export/mock'));
const prismPackage = fromMockServer.resolve('@stoplight/prism-cli/package.json');
const PRISM_BIN = join(dirname(prismPackage), (fromMockServer(prismPackage) as { bin: { prism: string } }).bin.prism);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ancestors' PIDs of `pid`, read from /proc. */
async function ancestors(pid: number): Promise<number[]> {
  const chain: number[] = [];
  for (let p = pid; p > 1; ) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    // The command name may hold spaces and parentheses: the ppid is the second field after the last ")".
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!p) break;
    chain.push(p);
  }
  return chain;
}

/** The Prism processes (not their leash) that this CLI process started: `node <this checkout's prism> mock …`. */
async function prismPids(cliPid: number): Promise<number[]> {
  const pattern = `^\\S+ ${escapeRegex(PRISM_BIN)} mock `;
  let found: number[];
  try {
    const { stdout } = await promisify(execFile)('pgrep', ['-f', pattern]);
    found = stdout.split('\n').filter(Boolean).map(Number);
  } catch (error) {
    // pgrep exits 1 when nothing matches.
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
  const mine: number[] = [];
  for (const pid of found) if ((await ancestors(pid)).includes(cliPid)) mine.push(pid);
  return mine;
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
    await cli.stderrMatches(/Starting the Prism mock/, 30_000);
    // Prism lives from now until the CLI is done with it (a second or more: it starts slowly).
    let exited = false;
    void cli.result.then(() => (exited = true));
    let pids: number[] = [];
    for (let tries = 0; pids.length === 0 && !exited && tries < 1000; tries++) {
      pids = await prismPids(cli.child.pid!);
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
    // It is the environment of a process started from ours: PATH came along, and only PATH.
    expect(observed.environment.get('PATH')).toBe(process.env.PATH);
    expect([...observed.environment.keys()]).toEqual(['PATH']);
  });

  // @hss-export/mock starts Prism with an allowlisted environment (PATH only).
  it('Prism gets none of the credential variables, nor their values', () => {
    for (const name of CREDENTIAL_VARIABLES) expect(observed.environment.has(name), name).toBe(false);
    const values = [...observed.environment.values()].join('\n');
    for (const secret of [...SECRETS, AK]) expect(values).not.toContain(secret);
  });
});
