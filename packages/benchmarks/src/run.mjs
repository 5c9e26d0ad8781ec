#!/usr/bin/env node
// Runs the benchmarks and prints their tables as markdown.
//
//   pnpm --filter @hss-export/benchmarks bench [-- <module>...] [--write] [--quick] [--runs N] [--json FILE] [--proposal N]
//
// Modules: call-overhead, download-memory, pipeline-latency, contract-suite (default: all).
// --write   also replaces each module's section of BENCHMARKS.md (between its markers)
// --quick   tiny iteration counts; pipeline-latency and contract-suite only dry-run (the CI smoke)
// --runs N  runs per figure (each module has its own default)
// --json    also writes the raw results (every run's figure) to FILE
// --proposal N  call-overhead also measures a client built with proposals/N-*.patch applied
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineNote, renderResult, replaceSection } from './markdown.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCHMARKS_MD = resolve(here, '../BENCHMARKS.md');

export const MODULES = {
  'call-overhead': () => import('./call-overhead.mjs'),
  'download-memory': () => import('./download-memory.mjs'),
  'pipeline-latency': () => import('./pipeline-latency.mjs'),
  'contract-suite': () => import('./contract-suite.mjs'),
};

/** Options per module for a full run and for the quick smoke. */
export function moduleOptions(id, { quick = false, runs, proposal } = {}) {
  const n = runs === undefined ? {} : { runs };
  if (quick) {
    return {
      'call-overhead': { runs: 2, calls: 30, warmup: 10, ...n },
      'download-memory': { runs: 1, sizeMB: 4, largeFactor: 2, ...n },
      'pipeline-latency': { dry: true },
      'contract-suite': { dry: true },
    }[id];
  }
  return {
    'call-overhead': { ...(proposal ? { proposal } : {}), ...n },
    'download-memory': { ...n },
    'pipeline-latency': { ...n },
    'contract-suite': { ...n },
  }[id];
}

export async function runBenchmarks(ids, options = {}) {
  const results = [];
  for (const id of ids) {
    const mod = await MODULES[id]();
    const result = await mod.run(moduleOptions(id, options));
    // Taken when the module ends, so the load average describes the conditions it ran in.
    result.machine = machineNote();
    results.push(result);
  }
  return results;
}

async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    allowPositionals: true,
    options: {
      write: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      json: { type: 'string' },
      proposal: { type: 'string' },
    },
  });
  const ids = positionals.length ? positionals : Object.keys(MODULES);
  const unknown = ids.filter((id) => !MODULES[id]);
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
  if (values.write && values.quick) {
    console.error('--quick figures are not benchmark figures; refusing to --write them');
    process.exit(2);
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  const date = new Date();
  const results = await runBenchmarks(ids, { quick: values.quick, runs, proposal: values.proposal });

  const sections = results.map((r) => ({ id: r.id, markdown: renderResult(r, { date }) }));
  for (const [i, s] of sections.entries()) process.stdout.write(`\n## ${results[i].title}\n\n${s.markdown}\n`);
  if (values.json) await writeFile(resolve(values.json), `${JSON.stringify(results, null, 2)}\n`);
  if (values.write) {
    let doc = await readFile(BENCHMARKS_MD, 'utf8');
    for (const s of sections) doc = replaceSection(doc, s.id, s.markdown);
    await writeFile(BENCHMARKS_MD, doc);
    process.stdout.write(
      `\nupdated ${join('packages/benchmarks', 'BENCHMARKS.md')}: ${sections.map((s) => s.id).join(', ')}\n`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
