// The generator's guard rails: it must refuse to run an unverified jar, say how to get
// Java when there is none, and only ever write into a "generated" folder.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JAR_SHA256 } from '../bin/generate.mjs';

const generate = resolve(import.meta.dirname, '../bin/generate.mjs');
const config = resolve(import.meta.dirname, '../../types/openapi-generator.yaml');
let dir;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hss-generate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(env, outDir = join(dir, 'generated')) {
  return spawnSync(process.execPath, [generate, config, outDir], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

function jarHome(jarBytes) {
  const home = join(dir, 'home');
  mkdirSync(join(home, 'jars'), { recursive: true });
  writeFileSync(
    join(home, 'openapitools.json'),
    JSON.stringify({ 'generator-cli': { version: '7.0.0', storageDir: 'jars' } }),
  );
  if (jarBytes !== undefined) writeFileSync(join(home, 'jars', '7.0.0.jar'), jarBytes);
  return home;
}

describe('hss-generate', () => {
  it('stops on a tampered jar, printing the expected and the actual sha256', () => {
    const tampered = Buffer.from('not the generator');
    const result = run({ HSS_GENERATOR_HOME: jarHome(tampered) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`expected sha256 ${JAR_SHA256}`);
    expect(result.stderr).toContain(`actual   sha256 ${createHash('sha256').update(tampered).digest('hex')}`);
  });

  it('stops on a missing jar and says how to get it', () => {
    const result = run({ HSS_GENERATOR_HOME: jarHome(undefined) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/generator jar not found at .*7\.0\.0\.jar.*pnpm install --frozen-lockfile/s);
  });

  it('gives a one-line hint when java is missing', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = run({ PATH: bin });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no `java` on PATH.*Java runtime >= 11.*apt-get install/);
  });

  it('refuses to write anywhere but a folder named "generated"', () => {
    const result = run({}, join(dir, 'src'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('must live in a folder named "generated"');
  });
});
