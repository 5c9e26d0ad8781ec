#!/usr/bin/env node
// `pnpm --filter @hss-export/release-gates size`: bundles the size entries (size/*.mjs)
// against the built client and prints ours next to the anchors and the issue #6 targets.
//   --why           also list which modules fill each chunk (esbuild metafile)
//   --write-budget  set size-budget.json's limits to the measured sizes + ~10 %
// Exits 1 when something is over its budget. Needs a built client (`pnpm build`).
import { parseArgs } from 'node:util';
import { breakdown, measureAll, overBudget, readBudget, table, writeBudget } from '../src/size.mjs';
import { typesTarballJs } from '../src/types-js.mjs';

const { values } = parseArgs({
  options: { why: { type: 'boolean', default: false }, 'write-budget': { type: 'boolean', default: false } },
});

const { metrics, token, aksk } = await measureAll();
let budget = readBudget();
if (values['write-budget']) {
  budget = { ...budget, limits: writeBudget(metrics, budget) };
  console.log('size-budget.json: limits set to the measured sizes + ~10 % (rounded up to 100 B).\n');
}
const types = await typesTarballJs();
console.log('Sizes: esbuild (minify, platform browser, format esm, splitting), gzip level 9; 1 kB = 1000 B.\n');
console.log(table(metrics, budget, types.jsBytes));
if (values.why) {
  console.log(
    `\nToken entry chunk ${token.entry.file}, bytes per module (minified, before gzip):\n${breakdown(token.entry)}`,
  );
  for (const chunk of aksk.others) console.log(`\nAK/SK chunk ${chunk.file}:\n${breakdown(chunk)}`);
}
const problems = overBudget(metrics, budget);
if (types.jsBytes > 0) problems.push(`@hss-export/types ships JavaScript: ${types.jsFiles.join(', ')}`);
if (problems.length) {
  console.error(`\nOver budget:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exitCode = 1;
}
