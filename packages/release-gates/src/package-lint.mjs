// Package correctness of a packed tarball: publint (package.json fields against the files
// actually in the tarball) and arethetypeswrong (how TypeScript resolves every entry
// point under node10, node16 from CJS and ESM, and bundler resolution).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const require = createRequire(import.meta.url);
const attwManifest = require.resolve('@arethetypeswrong/cli/package.json');
const ATTW = join(dirname(attwManifest), require(attwManifest).bin.attw);

/** Every message counts, suggestions included: the gate is "publint has nothing to say". */
export async function runPublint(tarball) {
  const data = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  return messages.map((m) => `publint ${m.type} ${m.code}: ${formatMessage(m, pkg, { color: false })}`);
}

/**
 * The attw profile a package is held to, from what it declares:
 *  - `esm-only` for `"type": "module"` packages with no `require` condition anywhere in
 *    `exports`: they don't offer CommonJS, so CJS resolution (node16-from-CJS) and node10
 *    (which has no `exports` support at all) are not promises they make. That is both of
 *    today's packages: the client ships ESM only, and the types package's .d.ts files are
 *    ESM-format because of its `"type": "module"`.
 *  - `strict` (every resolution mode) for anything else, e.g. a package that adds a
 *    `require` condition or drops `"type": "module"`: it then claims CJS support and must
 *    deliver it.
 */
export function attwProfile(manifest) {
  const hasRequire = JSON.stringify(manifest.exports ?? {}).includes('"require"');
  return manifest.type === 'module' && !hasRequire ? 'esm-only' : 'strict';
}

/** Resolution modes each attw profile leaves out (as in @arethetypeswrong/cli's profiles). */
const IGNORED_RESOLUTIONS = { strict: [], node16: ['node10'], 'esm-only': ['node10', 'node16-cjs'] };

export function declaresTypes(manifest) {
  return (
    manifest.types !== undefined ||
    manifest.typings !== undefined ||
    JSON.stringify(manifest.exports ?? {}).includes('"types"')
  );
}

/**
 * Runs attw on a tarball under a profile. Its exit code alone is not enough: for a package
 * whose .d.ts files are missing from the tarball attw says "This package does not contain
 * types" and exits 0, so a package that declares types must also have them. (A package
 * that declares none, like a CLI with only `bin`, is fine without.)
 * @returns {{ ok: boolean, problems: string[] }}
 */
export async function runAttw(tarball, profile, manifest) {
  const args = [
    ATTW,
    tarball,
    '--profile',
    profile,
    '--format',
    'json',
    // Never look up @types packages on the registry: the gate runs offline.
    '--no-definitely-typed',
  ];
  // attw exits 1 when it finds problems; its JSON report is on stdout either way.
  const run = await promisify(execFile)(process.execPath, args, {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 32 << 20,
  }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error) => ({ status: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) }),
  );
  let result;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    return { ok: false, problems: [`attw did not run: exit ${run.status} ${run.stderr || run.stdout}`.trim()] };
  }
  const ignored = IGNORED_RESOLUTIONS[profile];
  const problems = (result.analysis.problems ?? [])
    .filter((p) => !ignored.includes(p.resolutionKind))
    .map(
      (p) =>
        `attw ${p.kind}${p.entrypoint ? ` at "${p.entrypoint}"` : ''}${p.resolutionKind ? ` (${p.resolutionKind})` : ''}` +
        (p.typesFileName ? `: ${p.typesFileName} for ${p.implementationFileName}` : ''),
    );
  if (result.analysis.types === false && declaresTypes(manifest)) {
    problems.push('attw: the package declares types but the tarball contains no type declarations');
  }
  if (run.status !== 0 && problems.length === 0) problems.push(`attw exited ${run.status}`);
  return { ok: problems.length === 0, problems };
}
