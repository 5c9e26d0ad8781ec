import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { staticProvider } from '../../src/config.js';
import * as browser from '../../src/credentials/browser-chain.js';
import { NoCredentialsError } from '../../src/credentials/errors.js';
import * as node from '../../src/credentials/node-chain.js';
import type { ChainContext } from '../../src/credentials/types.js';
import { AK, failureOf, KEY_ROUTE, server, SK, TOKEN, TOKEN_ROUTE } from './support.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');
const ctx = (env: Record<string, string | undefined>, extra: Partial<ChainContext> = {}): ChainContext => ({
  env,
  fetch,
  ...extra,
});

/** Every module a bundler pulls in from `entry` (type-only imports are erased, so skipped). */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers: string[] = [];
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
      if (!m[1]) specifiers.push(m[2]!);
    }
    for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) specifiers.push(m[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return seen;
}

describe('browser chain', () => {
  it('takes the credentials option and the environment object', async () => {
    expect(
      await (
        await browser.resolveCredentialChain(
          ctx({}, { credentials: staticProvider({ kind: 'token', token: TOKEN }, 'the credentials option') }),
        )
      ).provider.get(),
    ).toEqual({
      kind: 'token',
      token: TOKEN,
    });
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: 'p' };
    const resolved = await browser.resolveCredentialChain(ctx(env));
    expect(await resolved.provider.get()).toMatchObject({ accessKey: AK });
    expect(resolved.projectId).toBe('p');
  });

  it('with nothing, says to pass credentials explicitly in a browser, having tried only those two sources', async () => {
    const md = await server({ [TOKEN_ROUTE]: [{ status: 200, body: 't' }], [KEY_ROUTE]: [{ status: 500 }] });
    const env = { HSS_EXPORT_TEST_METADATA_URL: md.url, HUAWEICLOUD_SDK_CREDENTIALS_FILE: '/nonexistent', HOME: '/h' };
    const error = await failureOf(browser.resolveCredentialChain(ctx(env)));
    expect(error).toBeInstanceOf(NoCredentialsError);
    expect((error as NoCredentialsError).attempts.map((a) => a.source)).toEqual([
      'the credentials option',
      'environment variables',
    ]);
    expect(error.message).toMatch(
      /To fix: in a browser pass credentials explicitly \(a token or AK\/SK\); the profile file and instance metadata are Node-only$/,
    );
    expect(md.received).toHaveLength(0);
  });

  it('federation settings are a ConfigError saying they need Node', async () => {
    const env = { HUAWEICLOUD_SDK_IDP_ID: 'i', HUAWEICLOUD_SDK_ID_TOKEN_FILE: '/t', HUAWEICLOUD_SDK_PROJECT_ID: 'p' };
    const error = await failureOf(browser.resolveCredentialChain(ctx(env)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/only works in Node/);
  });

  it('never asks IAM for the project (no discovery outside Node)', async () => {
    const iam = await server({ '.*': [{ status: 500 }] });
    const env = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_IAM_ENDPOINT: iam.url };
    expect((await browser.resolveCredentialChain(ctx(env, { region: 'r' }))).projectId).toBeUndefined();
    expect(iam.received).toHaveLength(0);
  });

  it('pulls in no Node module, no file, metadata, federation or IAM code, and no link-local address', () => {
    const graph = reachable(join(SRC, 'credentials/browser-chain.ts'));
    const files = [...graph.keys()].map((f) => relative(SRC, f)).sort();
    expect(files).toEqual([
      'credentials/browser-chain.ts',
      'credentials/chain.ts',
      'credentials/endpoint.ts',
      'credentials/env.ts',
      'credentials/errors.ts',
      'credentials/options.ts',
      'credentials/refresh.ts',
      'credentials/types.ts',
      'errors.ts',
    ]);
    const bare = [...graph.values()].flat().filter((s) => !s.startsWith('.'));
    expect(bare).toEqual([]);
    for (const file of graph.keys()) expect(readFileSync(file, 'utf8')).not.toContain('169.254');
    // The walker itself sees the Node chain's file and metadata modules.
    const nodeFiles = [...reachable(join(SRC, 'credentials/node-chain.ts')).keys()].map((f) => relative(SRC, f));
    expect(nodeFiles).toEqual(expect.arrayContaining(['credentials/profile.ts', 'credentials/metadata.ts']));
  });

  it('exports the same resolveCredentialChain and cachedChain as the Node chain, so either can stand behind #credential-chain', () => {
    expectTypeOf(browser.resolveCredentialChain).toEqualTypeOf(node.resolveCredentialChain);
    expectTypeOf(browser.cachedChain).toEqualTypeOf(node.cachedChain);
    expect(typeof browser.resolveCredentialChain).toBe('function');
    expect(browser.cachedChain).toBe(node.cachedChain);
  });
});
