// The package-correctness gate (bin/package-lint.mjs: publint --strict and attw --pack) on every
// published package, and on fixture packages that prove it fails on the mistakes it exists to catch.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../bin/package-lint.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'hss-package-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lint = (...dirs) =>
  promisify(execFile)(process.execPath, [bin, ...dirs], { encoding: 'utf8', timeout: 180_000 }).then(
    ({ stdout }) => ({ status: 0, stdout }),
    (error) => ({ status: error.code, stdout: error.stdout }),
  );

let published;
let broken;
beforeAll(async () => {
  // Copied out of the workspace, so that packing them is a plain `npm pack`.
  const fixtures = ['missing-entry', 'types-masquerade-as-cjs'].map((name) => {
    cpSync(resolve(import.meta.dirname, 'fixture-packages', name), join(tmp, name), { recursive: true });
    return join(tmp, name);
  });
  [published, broken] = await Promise.all([lint(), lint(...fixtures)]);
});

describe('the published packages', () => {
  it('all four are checked, each under the profile it declares, and pass', () => {
    expect(published.stdout.trim().split('\n')).toEqual(
      ['@hss-export/cli', '@hss-export/client', '@hss-export/mock', '@hss-export/types'].map(
        (name) => `${name}: publint --strict ok; attw --profile esm-only ok`,
      ),
    );
    expect(published.status).toBe(0);
  });

  it('@hss-export/types ships declarations only: no JavaScript in its tarball', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], {
      cwd: resolve(import.meta.dirname, '../../types'),
      encoding: 'utf8',
    });
    const files = JSON.parse(stdout)[0].files.map((f) => f.path);
    expect(files.some((f) => f.endsWith('.d.ts'))).toBe(true);
    expect(files.filter((f) => /\.(?:[cm]?js|jsx)$/.test(f))).toEqual([]);
  });
});

describe('the gate fails on broken packages', () => {
  it('exits 1', () => expect(broken.status).toBe(1));

  it('exports naming files that were never built: publint, and attw (which alone exits 0 on it)', () => {
    expect(broken.stdout).toContain('fixture-missing-entry: publint --strict FAILED; attw --profile esm-only FAILED');
    expect(broken.stdout).toContain('pkg.exports["."].types is ./dist/index.d.ts but the file does not exist');
    expect(broken.stdout).toContain('the package declares types, but its tarball has no type declarations');
  });

  it('ESM JavaScript with declarations TypeScript reads as CommonJS: held to strict, both complain', () => {
    expect(broken.stdout).toContain(
      'fixture-types-masquerade-as-cjs: publint --strict FAILED; attw --profile strict FAILED',
    );
    expect(broken.stdout).toContain('types is interpreted as CJS when resolving with the "import" condition');
    expect(broken.stdout).toContain('FalseCJS');
  });
});
