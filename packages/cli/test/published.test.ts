// The published CLI installed without @hss-export/mock (an optional peer): it must still
// run, and --mock must say how to get the mock instead of crashing.
import { cpSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/run-cli.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('installed outside the repository', () => {
  it('--mock exits 2 and explains why; everything else still loads', async () => {
    const root = tempDir();
    const scope = join(root, 'node_modules', '@hss-export');
    const pkg = join(scope, 'cli');
    mkdirSync(pkg, { recursive: true });
    cpSync(here('../dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(here('../package.json'), join(pkg, 'package.json'));
    // Only the runtime dependency, as npm would install it.
    symlinkSync(realpathSync(here('../node_modules/@hss-export/client')), join(scope, 'client'));
    const bin = join(pkg, 'dist', 'bin.js');

    const mock = await runCli(['containers', '--mock'], { bin, env: {}, cwd: root });
    expect(mock.code).toBe(2);
    expect(mock.stderr).toContain(
      'hss-export: --mock needs the @hss-export/mock package, which is not installed: npm i -D @hss-export/mock',
    );
    expect(mock.stderr).not.toMatch(/\n\s+at /);

    const help = await runCli(['containers', '--help'], { bin, env: {} });
    expect(help.code).toBe(0);
  });
});
