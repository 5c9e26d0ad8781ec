import { describe, expect, it } from 'vitest';
import type { LinkHit } from '../../src/credentials/chain.js';
import { optionsLink } from '../../src/credentials/options.js';
import type { ChainContext, CredentialProvider } from '../../src/credentials/types.js';
import { ConfigError } from '../../src/errors.js';
import { failureOf, TOKEN } from './support.js';

const ctx = (credentials: unknown): ChainContext => ({
  env: {},
  fetch: globalThis.fetch,
  credentials: credentials as ChainContext['credentials'],
});

describe('credentials option link', () => {
  it('gives a reason when no credentials were passed', async () => {
    expect(await optionsLink().resolve(ctx(undefined))).toEqual({ reason: 'not passed' });
  });

  it("uses a provider (the caller's own, or config.ts's wrapper of explicit keys) as it is", async () => {
    const mine: CredentialProvider = {
      source: 'vault',
      get: async () => ({ kind: 'token', token: TOKEN }),
      invalidate: () => {},
    };
    expect(((await optionsLink().resolve(ctx(mine))) as LinkHit).provider).toBe(mine);
  });

  it('refuses a provider without a source, and anything that is not a provider', async () => {
    const nameless = { get: async () => ({ kind: 'token', token: TOKEN }), invalidate: () => {} };
    for (const given of [nameless, { token: TOKEN }]) {
      const error = await failureOf(optionsLink().resolve(ctx(given)));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/a `source` string/);
      expect(error.message).not.toContain(TOKEN);
    }
  });
});
