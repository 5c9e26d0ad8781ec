#!/usr/bin/env node
// pnpm --filter @hss-export/benchmarks bench -- [call-overhead|pipeline|bundle|download] [--runs N] [--write] [--quick]
//
// Runs the named sections (default: all), prints their markdown, and with --write replaces
// each one's part of BENCHMARKS.md between its markers. --quick: tiny counts and the pipeline
// as a dry run, for the smoke test; its figures are not figures, so it cannot be written.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { render, replaceSection } from './lib.mjs';

export const BENCHMARKS_MD = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
export const SECTIONS = {
  'call-overhead': () => import('./call-overhead.mjs'),
  pipeline: () => import('./pipeline.mjs'),
  bundle: () => import('./bundle.mjs'),
  download: () => import('./download.mjs'),
};
const QUICK = {
  'call-overhead': { runs: 2, calls: 30, warmup: 10, profileCalls: 60 },
  pipeline: { dry: true },
  bundle: {},
  download: { runs: 1, sizeMB: 4 },
};

export async function runSection(id, { quick = false, runs } = {}) {
  const options = { ...(quick ? QUICK[id] : {}), ...(runs && { runs }) };
  return (await SECTIONS[id]()).run(options);
}

async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    allowPositionals: true,
    options: { runs: { type: 'string' }, write: { type: 'boolean' }, quick: { type: 'boolean' } },
  });
  const ids = positionals.length ? positionals : Object.keys(SECTIONS);
  const unknown = ids.filter((id) => !SECTIONS[id]);
  if (unknown.length || (values.write && values.quick)) {
    console.error(
      unknown.length
        ? `unknown section ${unknown}; choose from ${Object.keys(SECTIONS).join(', ')}`
        : '--quick figures are not for BENCHMARKS.md',
    );
    process.exit(2);
  }
  // A signal skips `finally`; exiting runs lib.mjs's hook, which stops children and removes scratch folders.
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  for (const id of ids) {
    const result = await runSection(id, { quick: values.quick, runs: values.runs && Number(values.runs) });
    const text = render(result);
    process.stdout.write(`\n## ${result.title}\n\n${text}\n`);
    if (result.checks)
      for (const c of result.checks)
        process.stdout.write(`- ${c.ok ? 'ok' : 'FAILED'}: ${c.name}${c.error ? ` (${c.error})` : ''}\n`);
    // Written as each section ends, so a failure later keeps the sections already measured.
    if (values.write) writeFileSync(BENCHMARKS_MD, replaceSection(readFileSync(BENCHMARKS_MD, 'utf8'), id, text));
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) await main();
