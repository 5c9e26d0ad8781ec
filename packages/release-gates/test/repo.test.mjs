// The breaking-change gate on the repo itself: today's spec against the last released one,
// with the changesets that are pending right now. This is the check CI runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGESETS, RELEASED_SPEC, REPO, SPEC } from '../src/repo.mjs';
import { runSpecGate } from '../src/spec-gate.mjs';

const record = resolve(import.meta.dirname, '../bin/record-released-spec.mjs');

describe('the repo', () => {
  // `pnpm test` builds first and then runs vitest; these make a build, type or lint error a
  // counted test failure instead of a message above the test output (turbo replays them
  // from its cache when nothing changed).
  it.each([
    ['builds', ['build']],
    ['type-checks (sources and tests)', ['typecheck']],
    ['passes Biome (lint and format)', ['//#lint']],
  ])('%s', { timeout: 600_000 }, (_, tasks) => {
    const run = spawnSync('pnpm', ['exec', 'turbo', 'run', ...tasks, '--output-logs=errors-only', '--continue'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      maxBuffer: 64 << 20,
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });

  it('documents every public export (`pnpm docs`: TypeDoc with warnings as errors)', { timeout: 300_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'hss-api-reference-'));
    try {
      const run = spawnSync('pnpm', ['--filter', '@hss-export/client', 'exec', 'typedoc', '--out', out], {
        cwd: REPO,
        encoding: 'utf8',
      });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('keeps the last released spec as the baseline', () => {
    expect(existsSync(RELEASED_SPEC), 'spec/released/hss-export.openapi.yaml is missing').toBe(true);
  });

  it('spec changes since the last release are covered by the pending changesets', async () => {
    const result = await runSpecGate({ base: RELEASED_SPEC, head: SPEC, changesets: CHANGESETS, cwd: REPO });
    expect(result.ok, `\n${result.report}\n`).toBe(true);
  });

  it('`pnpm version-packages` refreshes the baseline after `changeset version`', () => {
    const script = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts?.['version-packages'] ?? '';
    expect(
      script,
      'root package.json needs "version-packages": "changeset version && node packages/release-gates/bin/record-released-spec.mjs"',
    ).toMatch(/^changeset version\b.*&& node packages\/release-gates\/bin\/record-released-spec\.mjs\b/);
  });
});

describe('record-released-spec', () => {
  const dirs = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('copies the spec byte for byte and says whether the baseline changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hss-record-spec-'));
    dirs.push(dir);
    const from = join(dir, 'spec.yaml');
    const to = join(dir, 'released', 'spec.yaml');
    const run = () => spawnSync(process.execPath, [record, '--from', from, '--to', to], { encoding: 'utf8' });
    writeFileSync(from, 'openapi: 3.0.3\n# one\n');
    expect(run().stdout).toContain('created');
    expect(run().stdout).toContain('unchanged');
    writeFileSync(from, 'openapi: 3.0.3\n# two\n');
    const updated = run();
    expect(updated.status).toBe(0);
    expect(updated.stdout).toContain('updated');
    expect(readFileSync(to, 'utf8')).toBe('openapi: 3.0.3\n# two\n');
  });
});
