// Keeps the README examples honest: every ```ts block of the root README's "Using the client"
// and of the client's own README (its npm page) is written out as a module next to this
// package (so it resolves @hss-export/client the way a user's project would) and must
// type-check against the built packages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const section = readme.split('\n## Using the client\n')[1]?.split('\n## ')[0] ?? '';
const npmPage = readFileSync(join(repo, 'packages/client/README.md'), 'utf8');
const tsBlocks = (text: string) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const blocks = [...tsBlocks(section), ...tsBlocks(npmPage)];
// Unique per run (two Node versions may run this suite at once), and inside this package so
// that @hss-export/client resolves through its node_modules.
mkdirSync(join(import.meta.dirname, '..', '.tmp'), { recursive: true });
const dir = mkdtempSync(join(import.meta.dirname, '..', '.tmp', 'readme-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples', () => {
  it('has examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('all type-check against the built client (strict, NodeNext)', { timeout: 90_000 }, () => {
    const files = blocks.map((code, i) => {
      const file = `example-${i + 1}.ts`;
      // `export {}` makes each block a module, as it would be in a user's project.
      writeFileSync(join(dir, file), `${code}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          lib: ['ES2022', 'DOM'],
        },
        files,
      }),
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toBe('');
  });
});
