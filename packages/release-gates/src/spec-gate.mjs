// The breaking-change gate: the spec's changes since the last release, graded by
// spec-diff.mjs, against the bump the pending changesets declare for the packages
// generated from the spec.
//
// 0.x policy: the rules are applied literally at every version. Breaking needs a major
// changeset even while the packages are 0.x, and changesets turns a major bump of 0.y.z
// into 1.0.0. See ../README.md ("0.x policy") for why.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { BUMPS, declaredBump } from './changesets.mjs';
import { diffSpecs, SEVERITIES } from './spec-diff.mjs';

const HEADINGS = {
  breaking: 'Breaking changes (need a major changeset)',
  additive: 'Additions (need at least a minor changeset)',
  patch: 'Other changes that ship (need at least a patch changeset)',
  info: 'Not graded (for information)',
};

function readSpec(file) {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the spec ${file}: ${error.message}`);
  }
}

/**
 * @param {{ base: string, head: string, changesets: string, cwd?: string }} options
 * @returns {{ ok: boolean, required: string, declared: string, findings: object[], report: string }}
 */
export function runSpecGate({ base, head, changesets, cwd = process.cwd() }) {
  const rel = (p) => relative(cwd, p) || p;
  const diff = diffSpecs(readSpec(base), readSpec(head));
  const declared = declaredBump(changesets);
  const ok = BUMPS.indexOf(declared.bump) >= BUMPS.indexOf(diff.required);
  const names = declared.packages.join(' and ');

  const lines = [];
  lines.push(`spec-gate: ${ok ? 'PASS' : 'FAIL'}: ${rel(head)} compared with ${rel(base)} (the last released spec)`);
  if (diff.identical) lines.push('  No change to the spec.');
  const declaredText =
    declared.bump === 'none'
      ? `the pending changesets in ${rel(changesets)} declare no release for ${names}`
      : `the pending changesets declare ${declared.bump} for ${names} (${[...new Set(declared.from.filter((r) => r.type === declared.bump).map((r) => r.file))].join(', ')})`;
  if (!diff.identical)
    lines.push(
      `  The spec changes need ${diff.required === 'none' ? 'no release' : `a ${diff.required} changeset`}; ${declaredText}.`,
    );
  for (const severity of [...SEVERITIES].reverse()) {
    const group = diff.findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    lines.push('', `  ${HEADINGS[severity]}:`);
    for (const f of group) {
      lines.push(`    - ${f.kind} at ${f.location}: ${f.before} → ${f.after}${f.note ? ` (${f.note})` : ''}`);
    }
  }
  if (!ok) {
    lines.push(
      '',
      `  To fix: run \`pnpm changeset\`, pick ${names} and a ${diff.required} bump, and say what callers must do;`,
      '  or undo the spec change. While the packages are 0.x a major changeset releases 1.0.0 (see',
      '  packages/release-gates/README.md, "0.x policy").',
      `  If you have just run \`changeset version\`, the baseline is stale: \`pnpm version-packages\` refreshes it`,
      '  (node packages/release-gates/bin/record-released-spec.mjs does only that step).',
    );
  }
  return { ok, required: diff.required, declared: declared.bump, findings: diff.findings, report: lines.join('\n') };
}
