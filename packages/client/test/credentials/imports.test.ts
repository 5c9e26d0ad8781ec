// "#credential-chain" is how the client picks its chain: Node gets the full one, every
// other runtime (and so every browser bundle) the small one.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
  imports: Record<string, Record<string, string>>;
};

describe('#credential-chain', () => {
  it('maps node to the Node chain and everything else to the browser chain; types come from the source', () => {
    const entry = manifest.imports['#credential-chain']!;
    // Order matters: the first matching condition wins.
    expect(Object.entries(entry)).toEqual([
      ['types', './src/credentials/node-chain.ts'],
      ['node', './dist/credentials/node-chain.js'],
      ['default', './dist/credentials/browser-chain.js'],
    ]);
    for (const target of Object.values(entry)) {
      const source = target.replace('./dist/', './src/').replace(/\.js$/, '.ts');
      expect(existsSync(join(PACKAGE, source)), source).toBe(true);
    }
  });

  it('resolves to the Node chain in Node (needs `pnpm build`)', async () => {
    expect(existsSync(join(PACKAGE, 'dist/credentials/node-chain.js')), 'run `pnpm build` first').toBe(true);
    const script =
      "const m = await import('#credential-chain');" +
      "const r = await m.resolveCredentialChain({ env: { HSS_EXPORT_TOKEN: 'tok-abc' }, fetch });" +
      'console.log(JSON.stringify({ node: typeof m.nodeChain, source: r.provider.source }));';
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PACKAGE,
    });
    expect(JSON.parse(stdout)).toEqual({ node: 'function', source: 'environment (HSS_EXPORT_TOKEN)' });
  });
});
