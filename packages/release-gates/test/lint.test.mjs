// The Biome gate (`//#lint`, run first by `pnpm test`): the repo is clean, and code that
// breaks a rule or the format is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const biome = join(repo, 'node_modules/@biomejs/biome/bin/biome');

// A scratch folder inside packages/, so the repo's biome.json applies exactly as to real files.
const dir = mkdtempSync(join(import.meta.dirname, '..', 'lint-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function check(code) {
  const file = join(dir, `probe-${++n}.ts`);
  writeFileSync(file, code);
  return spawnSync(process.execPath, [biome, 'check', file], { cwd: repo, encoding: 'utf8' });
}

describe('biome', () => {
  it('accepts code in the repo style', () => {
    const result = check('export const answer = (n: number): number => n * 2;\n');
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('refuses a lint error', () => {
    const result = check('export function f(a: number) {\n  let x;\n  x = a;\n  return x;\n}\n');
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('noImplicitAnyLet');
  });

  it('refuses unformatted code', () => {
    expect(check('export const answer=(n:number)=>n*2\n').status).not.toBe(0);
  });
});
