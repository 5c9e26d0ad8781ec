// The chain's first link: what the caller passed as `credentials`. Explicit keys and
// tokens are checked and wrapped by config.ts before the chain ever loads (so that an app
// that passes them never ships the chain); what reaches this link is a provider, either
// one of the caller's own (a vault, a rotating secret) or config.ts's wrapper.
import { ConfigError } from '../errors.js';
import type { CredentialLink, LinkResult } from './chain.js';
import type { ChainContext, CredentialProvider } from './types.js';

function isProvider(value: unknown): value is CredentialProvider {
  const v = value as Partial<CredentialProvider>;
  return typeof v.get === 'function' && typeof v.invalidate === 'function';
}

export function optionsLink(): CredentialLink {
  return {
    name: 'the credentials option',
    async resolve(ctx: ChainContext): Promise<LinkResult> {
      const given = ctx.credentials;
      if (given === undefined) return { reason: 'not passed' };
      if (!isProvider(given) || typeof given.source !== 'string') {
        throw new ConfigError(
          'credentials must be { token }, { accessKey, secretKey[, securityToken] } or a provider with get(), invalidate() and a `source` string',
        );
      }
      return { provider: given };
    },
  };
}
