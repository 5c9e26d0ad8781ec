// `.ci/run ensure-main`, the step before `pnpm changeset status`, on shallow scratch clones of
// this repo: it fetches the history and a main branch from the remote, or says what to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../src/repo.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'hss-ci-shallow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const changeset = join(REPO, 'node_modules/@changesets/cli/bin.js');
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * A `--depth 1` clone of the committed tree, with this checkout's .ci/run, left as a CI
 * checkout of a pull request leaves it: HEAD detached on a commit of its own, no local
 * branches and no origin/main. Without that the clone would be whatever branch this checkout
 * is on, and when that is main the clone has main already, with nothing left to test.
 */
function shallowClone(name) {
  const dir = join(tmp, name);
  execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${REPO}`, dir]);
  copyFileSync(join(REPO, '.ci/run'), join(dir, '.ci/run'));
  git(dir, 'checkout', '--quiet', '--detach');
  for (const branch of git(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads').split('\n').filter(Boolean))
    git(dir, 'update-ref', '-d', branch);
  for (const ref of git(dir, 'for-each-ref', '--format=%(refname)', 'refs/remotes').split('\n').filter(Boolean))
    git(dir, 'update-ref', '-d', ref);
  git(dir, '-c', 'user.email=t@example.test', '-c', 'user.name=test', 'commit', '--quiet', '--allow-empty', '-m', 'pr');
  expect(git(dir, 'for-each-ref')).toBe('');
  return dir;
}
const ensureMain = (dir) => spawnSync('bash', ['.ci/run', 'ensure-main'], { cwd: dir, encoding: 'utf8' });
const status = (dir) => spawnSync(process.execPath, [changeset, 'status'], { cwd: dir, encoding: 'utf8' });

describe('.ci/run on a shallow clone', () => {
  it('with a remote: unshallows, creates main from origin/main, and `changeset status` then works', () => {
    const dir = shallowClone('with-remote');
    expect(git(dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const before = status(dir);
    expect(before.status).not.toBe(0);
    expect(before.stdout + before.stderr).toContain('Failed to find where HEAD diverged from "main"');

    const run = ensureMain(dir);
    expect(run.status, run.stderr).toBe(0);
    expect(git(dir, 'rev-parse', '--is-shallow-repository')).toBe('false');
    expect(git(dir, 'rev-parse', 'main')).toBe(git(REPO, 'rev-parse', 'main'));
    const after = status(dir);
    expect(after.status, after.stdout + after.stderr).toBe(0);
  });

  it('without a remote: fails, saying exactly what to run', () => {
    const dir = shallowClone('no-remote');
    git(dir, 'remote', 'remove', 'origin');
    const run = ensureMain(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Run: git remote add origin <url-of-this-repo>; then run');
    expect(run.stderr).toContain('bash .ci/run again');
  });
});
