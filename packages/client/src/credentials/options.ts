// The chain's first link: credentials the caller passed explicitly, checked the way
// config.ts checks them today, or a provider of the caller's own (a vault, a rotating
// secret), which is used as it is.
import { ConfigError } from '../errors.js';
import type { CredentialLink, LinkResult } from './chain.js';
import { fixedCredential } from './refresh.js';
import type { ChainContext, CredentialProvider } from './types.js';

function isProvider(value: unknown): value is CredentialProvider {
  const v = value as Partial<CredentialProvider>;
  return typeof v.get === 'function' && typeof v.invalidate === 'function';
}

const SOURCE = 'the credentials option';
const RENEW = 'create the client again with new credentials';

export function optionsLink(): CredentialLink {
  return {
    name: 'the credentials option',
    async resolve(ctx: ChainContext): Promise<LinkResult> {
      const given = ctx.credentials;
      if (given === undefined) return { reason: 'not passed' };
      if (isProvider(given)) {
        if (typeof given.source !== 'string') {
          throw new ConfigError(
            'credentials: a provider needs a `source` string naming where its credentials come from',
          );
        }
        return { provider: given };
      }
      const c = given as Partial<{ token: string; accessKey: string; secretKey: string; securityToken: string }>;
      const hasToken = c.token !== undefined;
      if (hasToken && (c.accessKey !== undefined || c.secretKey !== undefined)) {
        throw new ConfigError(
          'credentials have both a token and an access key: pass either { token } or { accessKey, secretKey }',
        );
      }
      if (hasToken) {
        if (!c.token) throw new ConfigError('credentials.token is empty');
        if (c.securityToken !== undefined) {
          throw new ConfigError(
            'credentials.securityToken goes with temporary { accessKey, secretKey }, not with a token',
          );
        }
        return { provider: fixedCredential({ kind: 'token', token: c.token }, { source: SOURCE, renewHint: RENEW }) };
      }
      if (!c.accessKey || !c.secretKey) {
        throw new ConfigError('credentials need both accessKey and secretKey (or pass { token })');
      }
      const credential = {
        kind: 'aksk' as const,
        accessKey: c.accessKey,
        secretKey: c.secretKey,
        ...(c.securityToken ? { securityToken: c.securityToken } : {}),
      };
      return { provider: fixedCredential(credential, { source: SOURCE, renewHint: RENEW }) };
    },
  };
}
