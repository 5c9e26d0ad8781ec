// `changeset version --snapshot`, rehearsed on throwaway copies of the repo with the repo's
// own changesets CLI: the four published packages get one 0.0.0-<tag>-<timestamp> version, the
// fixed group (client, types, mock) moves together, and packed packages pin those exact snapshots.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPackages } from '../src/changesets.mjs';
import { CHANGESETS, pack } from '../src/repo.mjs';
import { addProbeChangeset, copyRepo, SNAPSHOT_VERSION, versionSnapshot, versions } from '../src/snapshot.mjs';

const TAG = 'ci';
const fixed = specPackages(CHANGESETS);
let tmp;
let root;
let run;
let before;
let after;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hss-release-gates-snapshot-'));
  root = join(tmp, 'repo');
  copyRepo(root);
  // Bump only the client: the types package must follow it because of the fixed group, and
  // there is something to snapshot even right after a release consumed every changeset.
  addProbeChangeset(root, '@hss-export/client');
  before = versions(root);
  run = versionSnapshot(root, TAG);
  after = versions(root);
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('changeset version --snapshot', () => {
  it('succeeds', () => {
    expect(run.status, run.output).toBe(0);
  });

  it('gives the fixed group one 0.0.0-ci-<timestamp> version', () => {
    expect(fixed).toEqual(['@hss-export/client', '@hss-export/types', '@hss-export/mock']);
    const got = fixed.map((name) => after[name].version);
    expect(got[0]).toMatch(SNAPSHOT_VERSION(TAG));
    expect(new Set(got).size, JSON.stringify(Object.fromEntries(fixed.map((n) => [n, after[n].version])))).toBe(1);
  });

  it('all four published packages get that snapshot (the CLI because it depends on the client); private ones keep theirs', () => {
    const snapshot = after['@hss-export/client'].version;
    const published = Object.entries(after).filter(([, p]) => !p.private);
    expect(published.map(([name]) => name).sort()).toEqual([
      '@hss-export/cli',
      '@hss-export/client',
      '@hss-export/mock',
      '@hss-export/types',
    ]);
    for (const [name, p] of published) expect(p.version, name).toBe(snapshot);
    for (const [name, p] of Object.entries(after)) if (p.private) expect(p.version, name).toBe(before[name].version);
  });

  it('the packed client and CLI depend on exactly those snapshots; in a snapshot the mock peer of the CLI is pinned too', async () => {
    const manifest = async (name) => {
      const tarball = await pack(after[name].dir, join(tmp, 'out'));
      return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    };
    const [client, cli] = await Promise.all([manifest('@hss-export/client'), manifest('@hss-export/cli')]);
    expect(client.version).toBe(after['@hss-export/client'].version);
    expect(client.dependencies['@hss-export/types']).toBe(after['@hss-export/types'].version);
    expect(cli.dependencies['@hss-export/client']).toBe(after['@hss-export/client'].version);
    // `*` does not match a prerelease, so changesets pins the peer to the mock snapshot: a
    // snapshot CLI is tried with the same snapshot of the mock. A release keeps `*`.
    expect(cli.peerDependencies['@hss-export/mock']).toBe(after['@hss-export/mock'].version);
  });
});

describe('what stops a snapshot', () => {
  it('pre mode: changesets refuses, and the rehearsal reports it', () => {
    const copy = join(tmp, 'pre-mode');
    copyRepo(copy);
    addProbeChangeset(copy, '@hss-export/client');
    writeFileSync(
      join(copy, '.changeset', 'pre.json'),
      JSON.stringify({ mode: 'pre', tag: 'beta', initialVersions: {}, changesets: [] }),
    );
    const result = versionSnapshot(copy, TAG);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Snapshot release is not allowed in pre mode');
    expect(versions(copy)['@hss-export/client'].version).toBe('0.0.0');
  });
});
