#!/usr/bin/env node
// Breaking-change gate: exits 1 when the spec changed more than the pending changesets
// declare (breaking without a major changeset, an addition without at least a minor).
//
//   node packages/release-gates/bin/spec-gate.mjs [--base spec/released/hss-export.openapi.yaml]
//        [--head spec/hss-export.openapi.yaml] [--changesets .changeset] [--json]
//
// Relative paths are taken from the current directory; the defaults are the repo's files.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHANGESETS, RELEASED_SPEC, SPEC } from '../src/repo.mjs';
import { runSpecGate } from '../src/spec-gate.mjs';

let values;
try {
  ({ values } = parseArgs({
    options: {
      base: { type: 'string', default: RELEASED_SPEC },
      head: { type: 'string', default: SPEC },
      changesets: { type: 'string', default: CHANGESETS },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(
    `spec-gate: ${error.message}\nusage: spec-gate [--base FILE] [--head FILE] [--changesets DIR] [--json]`,
  );
  process.exit(2);
}
if (values.help) {
  console.log('usage: spec-gate [--base FILE] [--head FILE] [--changesets DIR] [--json]');
  process.exit(0);
}

try {
  const result = runSpecGate({
    base: resolve(values.base),
    head: resolve(values.head),
    changesets: resolve(values.changesets),
  });
  if (values.json)
    console.log(
      JSON.stringify(
        { ok: result.ok, required: result.required, declared: result.declared, findings: result.findings },
        null,
        2,
      ),
    );
  else (result.ok ? console.log : console.error)(result.report);
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`spec-gate: ${error.message}`);
  process.exitCode = 2;
}
