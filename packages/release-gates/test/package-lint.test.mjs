// publint and arethetypeswrong on the tarballs `pnpm pack` makes of every published package,
// plus fixture packages that prove both checks fail on the mistakes they exist to catch.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attwProfile, runAttw, runPublint } from '../src/package-lint.mjs';
import { PACKAGE_DIR, pack, publishedPackages } from '../src/repo.mjs';

const published = publishedPackages();
const names = published.map((p) => p.manifest.name);
const FIXTURES = ['missing-entry', 'types-masquerade-as-cjs'];
let tmp;
const checked = new Map();

const packedManifest = (tarball) =>
  JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));

function fixtureTarball(name) {
  const dir = join(tmp, `fixture-${name}`);
  cpSync(resolve(import.meta.dirname, 'fixture-packages', name), join(dir, 'package'), { recursive: true });
  execFileSync('tar', ['-czf', join(dir, 'package.tgz'), '-C', dir, 'package']);
  return join(dir, 'package.tgz');
}

async function check(tarball) {
  const manifest = packedManifest(tarball);
  const profile = attwProfile(manifest);
  const [publint, attw] = await Promise.all([runPublint(tarball), runAttw(tarball, profile, manifest)]);
  return { manifest, profile, publint, attw };
}

// Packing and attw (which loads TypeScript each time) dominate; run them all at once.
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hss-release-gates-pack-'));
  const tarballs = await Promise.all(published.map((p) => pack(p.dir, tmp)));
  const jobs = [
    ...names.map((name, i) => [name, tarballs[i]]),
    ...FIXTURES.map((name) => [`fixture:${name}`, fixtureTarball(name)]),
  ];
  const results = await Promise.all(jobs.map(([, tarball]) => check(tarball)));
  for (const [i, [name]] of jobs.entries()) checked.set(name, results[i]);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the published packages', () => {
  it('are found: client and types at least', () => {
    expect(names).toEqual(expect.arrayContaining(['@hss-export/client', '@hss-export/types']));
  });

  it('are all devDependencies of this package, so turbo builds them before they are packed here', () => {
    const own = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    const missing = names.filter((name) => own.devDependencies?.[name] !== 'workspace:*');
    expect(
      missing,
      `add to packages/release-gates/package.json devDependencies: ${missing.map((n) => `"${n}": "workspace:*"`).join(', ')}`,
    ).toEqual([]);
  });

  it.each(names)('%s: publint has nothing to say (suggestions included)', (name) => {
    expect(checked.get(name).publint).toEqual([]);
  });

  it.each(names)('%s: arethetypeswrong finds no problem under the profile it declares', (name) => {
    const { attw, profile } = checked.get(name);
    expect(attw.problems, `attw --profile ${profile}`).toEqual([]);
  });

  it.each(names)('%s: no workspace: range is left in the packed package.json', (name) => {
    expect(JSON.stringify(checked.get(name).manifest)).not.toContain('workspace:');
  });

  it('client and types are held to the esm-only profile (ESM only, no require condition)', () => {
    expect(checked.get('@hss-export/client').profile).toBe('esm-only');
    expect(checked.get('@hss-export/types').profile).toBe('esm-only');
  });
});

describe('the checks fail on broken packages', () => {
  it('exports naming files that were never built', () => {
    const { publint, attw } = checked.get('fixture:missing-entry');
    expect(publint).toEqual([
      expect.stringContaining('FILE_DOES_NOT_EXIST: pkg.exports["."].types is ./dist/index.d.ts'),
      expect.stringContaining('FILE_DOES_NOT_EXIST: pkg.exports["."].default is ./dist/index.js'),
    ]);
    // attw on its own passes this package ("does not contain types", exit 0).
    expect(attw).toEqual({
      ok: false,
      problems: ['attw: the package declares types but the tarball contains no type declarations'],
    });
  });

  it('ESM JavaScript with declarations TypeScript reads as CommonJS', () => {
    const { publint, attw, profile } = checked.get('fixture:types-masquerade-as-cjs');
    expect(profile).toBe('strict');
    expect(publint).toContainEqual(expect.stringContaining('EXPORTS_TYPES_INVALID_FORMAT'));
    expect(attw.ok).toBe(false);
    expect(attw.problems).toContainEqual(expect.stringContaining('attw FalseCJS'));
  });
});
