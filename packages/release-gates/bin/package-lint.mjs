#!/usr/bin/env node
// Package correctness: the stock publint and arethetypeswrong CLIs on every published package
// (every packages/*/package.json without "private": true), or on the directories given.
//
//   node packages/release-gates/bin/package-lint.mjs [dir...]    exits 1 when either complains
//
// Beyond the two stock calls this script only (1) picks attw's profile from what the package
// declares: `esm-only` for "type": "module" without a `require` condition, otherwise `strict`;
// and (2) fails a package that declares types when attw says "This package does not contain
// types", on which attw itself exits 0 (a tarball packed before the build ran).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const tool = (name) => join(here, '../node_modules/.bin', name);
const manifestOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const dirs =
  process.argv.length > 2
    ? process.argv.slice(2).map((d) => resolve(d))
    : readdirSync(join(repo, 'packages'))
        .map((name) => join(repo, 'packages', name))
        .filter((d) => existsSync(join(d, 'package.json')) && manifestOf(d).private !== true);

// Plain text: the output is re-printed in a report, and publint colours it whenever CI is set.
const env = { ...process.env, NO_COLOR: '1' };
delete env.FORCE_COLOR;
const run = (file, args) =>
  promisify(execFile)(file, args, { encoding: 'utf8', env, maxBuffer: 32 << 20, timeout: 120_000 }).then(
    ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
    (error) => ({ ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` || String(error) }),
  );

async function lint(dir) {
  const manifest = manifestOf(dir);
  const exports = JSON.stringify(manifest.exports ?? {});
  const profile = manifest.type === 'module' && !exports.includes('"require"') ? 'esm-only' : 'strict';
  const declaresTypes = Boolean(manifest.types ?? manifest.typings) || exports.includes('"types"');
  const [publint, attw] = await Promise.all([
    run(tool('publint'), ['run', dir, '--strict']),
    // --no-definitely-typed: never look up @types packages on the registry.
    run(tool('attw'), [
      '--pack',
      dir,
      '--profile',
      profile,
      '--no-definitely-typed',
      '--format',
      'ascii',
      '--no-color',
    ]),
  ]);
  if (attw.ok && declaresTypes && attw.output.includes('This package does not contain types')) {
    attw.ok = false;
    attw.output += '\npackage-lint: the package declares types, but its tarball has no type declarations\n';
  }
  return { name: manifest.name ?? relative(repo, dir), profile, publint, attw };
}

const results = await Promise.all(dirs.map(lint));
for (const { name, profile, publint, attw } of results) {
  console.log(
    `${name}: publint --strict ${publint.ok ? 'ok' : 'FAILED'}; attw --profile ${profile} ${attw.ok ? 'ok' : 'FAILED'}`,
  );
  // Suggestions don't fail publint --strict, but they are shown.
  if (!publint.output.includes('All good!')) console.log(publint.output.trim().replace(/^/gm, '  '));
  if (!attw.ok) console.log(attw.output.trim().replace(/^/gm, '  '));
}
process.exitCode = results.every((r) => r.publint.ok && r.attw.ok) ? 0 : 1;
