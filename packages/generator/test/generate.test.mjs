// The generator's guard rails: it must refuse to run an unverified jar, say how to get
// Java when there is none, only ever write into a "generated" folder, and refuse a spec
// whose parameter and body field share a name before starting the JVM.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JAR_SHA256 } from '../bin/generate.mjs';

const generate = resolve(import.meta.dirname, '../bin/generate.mjs');
const frozen = resolve(import.meta.dirname, 'fixtures/frozen-spec.openapi.yaml');
let dir;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hss-generate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(env, { out = join(dir, 'generated'), spec = frozen } = {}) {
  return spawnSync(process.execPath, [generate, '--spec', spec, '--out', out], {
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

  it('gives a one-line hint when java is missing, naming the remote cache as the other way', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = run({ PATH: bin });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no `java` on PATH.*Java runtime >= 11.*apt-get install.*remote cache/);
  });

  it('refuses to write anywhere but a folder named "generated"', () => {
    const result = run({}, { out: join(dir, 'src') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('must live in a folder named "generated"');
  });

  it('refuses a parameter and a body field with the same name, before the JVM starts', () => {
    const clash = join(dir, 'clash.yaml');
    const original = readFileSync(frozen, 'utf8');
    const text = original.replace(/(\n {8}export_headers:\n)/, '\n        export_size:\n          type: integer$1');
    expect(text).not.toBe(original);
    writeFileSync(clash, text);
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = run({ PATH: bin }, { spec: clash });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('createContainerExportTask');
    expect(result.stderr).toContain('the query parameter "export_size" and the body field "export_size" share a name');
    // The check runs before Java is even looked for.
    expect(result.stderr).not.toContain('java');
  });
});
