#!/usr/bin/env node
// The spec lint (spec/redocly.yaml): Redocly's own rules engine, called directly. The
// Redocly CLI does the same but prints a Node 20 end-of-life notice on every run and
// starts up slower; the problems and their codeframe output are the same.
//
//   node lint-spec.mjs [spec.yaml]     exits 1 on any error or warning
import { formatProblems, getTotals, lint, loadConfig } from '@redocly/openapi-core';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const file = resolve(process.argv[2] ?? join(repo, 'spec', 'hss-export.openapi.yaml'));
const config = await loadConfig({ configPath: join(repo, 'spec', 'redocly.yaml') });
const problems = await lint({ ref: file, config });
const totals = getTotals(problems);
formatProblems(problems, { format: 'codeframe', totals, version: '', maxProblems: 100 });
if (totals.errors + totals.warnings > 0) process.exit(1);
process.stdout.write(`${file}: no problems\n`);
