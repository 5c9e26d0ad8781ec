#!/usr/bin/env node
// Records the spec that is being released as the baseline the breaking-change gate
// compares against: copies spec/hss-export.openapi.yaml to
// spec/released/hss-export.openapi.yaml, byte for byte.
//
// Run it right after `changeset version` has consumed the changesets, which the root
// `pnpm version-packages` script does:
//   "version-packages": "changeset version && node packages/release-gates/bin/record-released-spec.mjs"
// Don't run it for snapshot versions (`changeset version --snapshot`): a snapshot is not a
// release, and the next real release must still be compared with the last real one.
//
//   node packages/release-gates/bin/record-released-spec.mjs [--from FILE] [--to FILE]
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, RELEASED_SPEC, SPEC } from '../src/repo.mjs';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: SPEC },
    to: { type: 'string', default: RELEASED_SPEC },
  },
});
const from = resolve(values.from);
const to = resolve(values.to);
const before = existsSync(to) ? readFileSync(to) : undefined;
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
if (!readFileSync(to).equals(readFileSync(from))) {
  console.error(`record-released-spec: ${to} differs from ${from} after copying`);
  process.exit(1);
}
const rel = (p) => relative(REPO, p);
const what = before === undefined ? 'created' : before.equals(readFileSync(to)) ? 'unchanged' : 'updated';
console.log(`record-released-spec: ${rel(to)} ${what} from ${rel(from)}; commit it with the version bump.`);
