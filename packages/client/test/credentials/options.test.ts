import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { LinkHit } from '../../src/credentials/chain.js';
import { optionsLink } from '../../src/credentials/options.js';
import type { ChainContext, CredentialProvider } from '../../src/credentials/types.js';
import { AK, failureOf, SECURITY_TOKEN, SK, TOKEN } from './support.js';

const ctx = (credentials: unknown): ChainContext => ({
  env: {},
  fetch: globalThis.fetch,
  credentials: credentials as ChainContext['credentials'],
});

describe('credentials option link', () => {
  it('gives a reason when no credentials were passed', async () => {
    expect(await optionsLink().resolve(ctx(undefined))).toEqual({ reason: 'not passed' });
  });

  it('takes a token, AK/SK, or temporary AK/SK', async () => {
    const get = async (c: unknown) => ((await optionsLink().resolve(ctx(c))) as LinkHit).provider.get();
    expect(await get({ token: TOKEN })).toEqual({ kind: 'token', token: TOKEN });
    expect(await get({ accessKey: AK, secretKey: SK })).toEqual({ kind: 'aksk', accessKey: AK, secretKey: SK });
    expect(await get({ accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN })).toEqual({
      kind: 'aksk',
      accessKey: AK,
      secretKey: SK,
      securityToken: SECURITY_TOKEN,
    });
  });

  it("uses a caller's own provider as it is", async () => {
    const mine: CredentialProvider = {
      source: 'vault',
      get: async () => ({ kind: 'token', token: TOKEN }),
      invalidate: () => {},
    };
    expect(((await optionsLink().resolve(ctx(mine))) as LinkHit).provider).toBe(mine);
    const nameless = { get: mine.get, invalidate: mine.invalidate };
    expect((await failureOf(optionsLink().resolve(ctx(nameless)))).message).toMatch(/needs a `source` string/);
  });

  it.each([
    [
      'token and AK/SK',
      { token: TOKEN, accessKey: AK, secretKey: SK },
      /either \{ token \} or \{ accessKey, secretKey \}/,
    ],
    ['empty token', { token: '' }, /credentials.token is empty/],
    [
      'security token with a token',
      { token: TOKEN, securityToken: SECURITY_TOKEN },
      /securityToken goes with temporary/,
    ],
    ['AK without SK', { accessKey: AK }, /need both accessKey and secretKey/],
    ['SK without AK', { secretKey: SK }, /need both accessKey and secretKey/],
  ])('%s is a ConfigError', async (_name, given, message) => {
    const error = await failureOf(optionsLink().resolve(ctx(given)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });
});
