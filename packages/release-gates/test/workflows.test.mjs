// The GitHub workflows, checked against GitHub's schema by action-validator (nothing here can
// run them), and tied to the commands CI and a release run locally, so they cannot drift apart.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../src/repo.mjs';

const WORKFLOWS = join(REPO, '.github/workflows');
const validator = join(import.meta.dirname, '../node_modules/.bin/action-validator');
const validate = (file) => spawnSync(validator, [file], { encoding: 'utf8' });
const workflow = (name) => parse(readFileSync(join(WORKFLOWS, name), 'utf8'));
const steps = (doc) => Object.values(doc.jobs).flatMap((job) => job.steps ?? []);

describe('.github/workflows', () => {
  const dirs = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each(readdirSync(WORKFLOWS))('%s follows the GitHub Actions schema', (name) => {
    const run = validate(join(WORKFLOWS, name));
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });

  it('action-validator refuses a workflow with a misspelt key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hss-workflow-'));
    dirs.push(dir);
    const broken = join(dir, 'ci.yml');
    writeFileSync(broken, readFileSync(join(WORKFLOWS, 'ci.yml'), 'utf8').replace(/^ {4}steps:/m, '    step:'));
    const run = validate(broken);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain("Additional property 'step' is not allowed");
  });

  it('CI runs .ci/run, the same script as a local CI run, with Java for the generator', () => {
    const all = steps(workflow('ci.yml'));
    expect(all.at(-1)?.run).toBe('bash .ci/run');
    expect(all.some((s) => String(s.uses).startsWith('actions/setup-java@') && s.with?.['java-version'] === '17')).toBe(
      true,
    );
  });

  it('a release versions with `pnpm version-packages` and publishes with `pnpm release` (which runs the gates)', () => {
    const changesets = steps(workflow('release.yml')).find((s) => String(s.uses).startsWith('changesets/action@'));
    expect(changesets?.with).toMatchObject({ version: 'pnpm version-packages', publish: 'pnpm release' });
    const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts;
    expect(scripts.release).toMatch(/pnpm gates && changeset publish$/);
  });
});
