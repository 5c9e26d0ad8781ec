#!/usr/bin/env node
// `pnpm test`: lints the TypeScript (Biome) and runs every package's tests through turbo, then prints one plain line
// `N passed, N failed` summed over the packages, which is what CI reads. Extra arguments
// go to turbo (e.g. `pnpm test --filter @hss-export/client`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const packagesDir = join(root, 'packages');
const summaries = readdirSync(packagesDir).map((name) => join(packagesDir, name, '.test-results', 'summary.json'));
// Stale counts from an earlier run must not be summed: turbo restores them on a cache hit.
for (const file of summaries) rmSync(file, { force: true });

const run = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'lint',
    'test',
    '--continue',
    '--log-prefix=none',
    '--output-logs=new-only',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
);

const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of summaries) {
  if (!existsSync(file)) continue;
  const counts = JSON.parse(readFileSync(file, 'utf8'));
  for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
}
const failedRun = run.status !== 0 && total.failed === 0 ? 1 : 0;
if (failedRun) console.error('A build, typecheck or test task failed before its tests could report (see above).');
console.log(
  `${total.passed} passed, ${total.failed + failedRun} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(run.status ?? 1);
