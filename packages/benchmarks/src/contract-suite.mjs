// 5. Contract suite: wall time of the contract tests (against a real Prism), Prism's start-up
// and stop on their own, and which test files take the time. Runs in a built scratch clone
// of HEAD, so work in progress in the tree neither breaks nor flatters the figures.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchEnv, createScratch, REPO_ROOT } from './scratch.mjs';
import { median, nowMs, row, timeCommand } from './stats.mjs';

export const id = 'contract-suite';
export const title = 'Contract suite (packages/contract-tests against a real Prism)';

const FILTER = '@hss-export/contract-tests';
const REPORTER = fileURLToPath(new URL('./file-times-reporter.mjs', import.meta.url));

/** startPrism() → first HTTP answer, then stop() → process gone, both in ms. */
export async function timePrism(root) {
  const { startPrism } = await import(pathToFileURL(join(root, 'packages/mock-server/src/prism.mjs')).href);
  const t0 = nowMs();
  const prism = await startPrism();
  const start = nowMs() - t0;
  const t1 = nowMs();
  await prism.stop();
  return { start, stop: nowMs() - t1 };
}

async function writeFloor(dir) {
  // vitest's own cost for one trivial test file in the same package: the suite's floor.
  await mkdir(join(dir, '.bench-floor'), { recursive: true });
  await writeFile(
    join(dir, '.bench-floor/floor.test.ts'),
    "import { it, expect } from 'vitest';\nit('runs', () => expect(1).toBe(1));\n",
  );
  await writeFile(
    join(dir, 'vitest.bench-floor.config.mjs'),
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['.bench-floor/*.test.ts'] } });\n",
  );
}

/**
 * @param {{ runs?: number, dry?: boolean }} [options] `dry`: only time Prism start/stop in
 *   this tree (no clone, no suite run): what the CI smoke test uses.
 */
export async function run({ runs = 3, dry = false } = {}) {
  const command = `pnpm --filter @hss-export/benchmarks bench -- ${id}`;
  if (dry) {
    const prism = await timePrism(REPO_ROOT);
    return {
      id,
      title,
      dry: true,
      params: { runs: 1 },
      command,
      tables: [
        {
          caption: 'Prism only (dry run)',
          rows: [
            row({
              name: 'Prism start-up',
              unit: 'ms',
              perRun: [prism.start],
              baselinePerRun: [prism.start],
              baselineName: 'itself',
            }),
            row({
              name: 'Prism stop',
              unit: 'ms',
              perRun: [prism.stop],
              baselinePerRun: [prism.start],
              baselineName: 'Prism start-up',
            }),
          ],
        },
      ],
    };
  }

  const clone = await createScratch({ label: 'contract' });
  try {
    const { root } = clone;
    await timeCommand('pnpm', ['build'], { cwd: root, env: benchEnv() });
    const pkg = join(root, 'packages/contract-tests');
    await writeFloor(pkg);
    const samples = { suite: [], floor: [], start: [], stop: [] };
    const files = {};
    const report = join(root, '.bench-file-times.json');
    const variants = {
      suite: async () => {
        await rm(report, { force: true });
        // The suite's own config, with the reporters swapped for one that records per-file times.
        const { ms } = await timeCommand(
          'pnpm',
          ['--filter', FILTER, 'exec', 'vitest', 'run', `--reporter=${REPORTER}`],
          {
            cwd: root,
            env: benchEnv({ HSS_BENCH_FILE_TIMES: report }),
          },
        );
        samples.suite.push(ms);
        const { modules, unhandledErrors } = JSON.parse(await readFile(report, 'utf8'));
        const passed = modules.reduce((n, m) => n + m.passed, 0);
        const failed = modules.reduce((n, m) => n + m.failed, 0) + unhandledErrors;
        if (failed || !passed)
          throw new Error(`contract-suite: the suite did not pass (${passed} passed, ${failed} failed)`);
        for (const m of modules) {
          const name = m.file.split('/').pop();
          files[name] ??= [];
          files[name].push(m.duration);
        }
      },
      floor: async () => {
        const { ms } = await timeCommand(
          'pnpm',
          ['--filter', FILTER, 'exec', 'vitest', 'run', '--config', 'vitest.bench-floor.config.mjs'],
          {
            cwd: root,
            env: benchEnv(),
          },
        );
        samples.floor.push(ms);
      },
      prism: async () => {
        const { start, stop } = await timePrism(root);
        samples.start.push(start);
        samples.stop.push(stop);
      },
    };
    const names = Object.keys(variants);
    for (let r = 0; r < runs; r++)
      for (let k = 0; k < names.length; k++) await variants[names[(r + k) % names.length]]();

    const rows = [
      row({
        name: '`vitest run` of one trivial test in the same package (baseline)',
        unit: 'ms',
        perRun: samples.floor,
        baselinePerRun: samples.floor,
        baselineName: 'vitest floor',
      }),
      row({
        name: 'contract suite, wall time',
        unit: 'ms',
        perRun: samples.suite,
        baselinePerRun: samples.floor,
        baselineName: 'vitest floor',
      }),
      row({
        name: 'Prism start-up (`startPrism()` → ready)',
        unit: 'ms',
        perRun: samples.start,
        baselinePerRun: samples.suite,
        baselineName: 'suite wall',
      }),
      row({
        name: 'Prism stop (`stop()` → exited)',
        unit: 'ms',
        perRun: samples.stop,
        baselinePerRun: samples.suite,
        baselineName: 'suite wall',
      }),
    ];
    rows[2].note = 'ratio = share of the suite’s wall time';
    const fileRows = Object.entries(files)
      .sort((a, b) => median(b[1]) - median(a[1]))
      .map(([name, durations]) =>
        row({
          name: `\`${name}\``,
          unit: 'ms',
          perRun: durations,
          baselinePerRun: samples.suite,
          baselineName: 'suite wall',
        }),
      );
    return {
      id,
      title,
      params: { runs, commit: clone.commit, install: clone.installNote },
      command,
      tables: [
        { caption: 'Suite and Prism (ratios: suite to the vitest floor; Prism to the suite, same round)', rows },
        {
          caption:
            'Time per test file: its tests and hooks, as vitest’s module diagnostics give them (files run in parallel workers, so these add up to more than the wall)',
          rows: fileRows,
        },
      ],
    };
  } finally {
    await clone.remove();
  }
}
