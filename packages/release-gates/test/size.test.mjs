// The size budget (.size-limit.json, run by size-limit 12 with @size-limit/esbuild and
// @size-limit/file), and a check that its `ignore` lists leave out only code the client loads
// lazily, so that the token figure is what the token path loads statically.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = resolve(import.meta.dirname, '..');
const checks = JSON.parse(readFileSync(join(dir, '.size-limit.json'), 'utf8'));
const sizeLimit = (...args) =>
  promisify(execFile)(join(dir, 'node_modules/.bin/size-limit'), ['--json', ...args], { cwd: dir }).then(
    ({ stdout }) => ({ status: 0, results: JSON.parse(stdout) }),
    (error) => ({ status: error.code, results: JSON.parse(error.stdout) }),
  );

let measured;
let tight;
beforeAll(async () => {
  [measured, tight] = await Promise.all([sizeLimit(), sizeLimit('--limit', '1 kB')]);
});

describe('bundle sizes', () => {
  it('stay within the limits in .size-limit.json', () => {
    expect(measured.results.map((r) => [r.name, r.passed])).toEqual(checks.map((c) => [c.name, true]));
    expect(measured.status).toBe(0);
  });

  it('size-limit fails when a bundle grows past its limit', () => {
    expect(tight.status).toBe(1);
    expect(tight.results.every((r) => r.passed === false && r.sizeLimit === 1000)).toBe(true);
  });

  it('AK/SK costs more than token auth: the signer is counted only there', () => {
    const [token, aksk] = measured.results.map((r) => r.size);
    expect(aksk).toBeGreaterThan(token + 500);
  });
});

describe('what the ignore lists leave out', () => {
  // esbuild's metafile lists every import in the bundle with its kind.
  const importsOf = async (entry) => {
    const { metafile } = await build({
      entryPoints: [join(dir, entry)],
      bundle: true,
      write: false,
      metafile: true,
      outdir: join(dir, '.size-out'),
      logLevel: 'silent',
    });
    return Object.values(metafile.inputs).flatMap((input) => input.imports);
  };

  it.each(checks)('$name: every module it ignores is only ever imported dynamically', async (check) => {
    const imports = await importsOf(check.path);
    // As esbuild's `external` matches them: `*` for any prefix, against the path as written.
    const matches = (pattern, i) => {
      const written = i.original ?? i.path;
      return pattern.startsWith('*') ? written.endsWith(pattern.slice(1)) : written === pattern;
    };
    for (const pattern of check.ignore) {
      const reached = imports.filter((i) => matches(pattern, i));
      expect(reached.length, `${pattern} is imported somewhere`).toBeGreaterThan(0);
      expect(
        reached.map((i) => i.kind),
        pattern,
      ).toEqual(reached.map(() => 'dynamic-import'));
    }
  });
});
