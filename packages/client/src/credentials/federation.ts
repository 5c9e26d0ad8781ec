// OIDC federation: an IAM token obtained for the ID token in a file, renewed before it
// expires. The file is read again for every exchange because CI systems rotate it (a
// GitHub or GitLab job token lives minutes, the IAM token it buys lives longer).
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { exchangeIdToken } from './iam.js';
import { refreshing } from './refresh.js';
import type { ChainContext, CredentialProvider, FederationSettings } from './types.js';

export interface FederationInternals {
  /** IAM time limit per request (tests shorten it). */
  timeoutMs?: number | undefined;
}

async function readIdToken(settings: FederationSettings): Promise<string> {
  const { idTokenFile: path, idTokenFileSetting: setting } = settings;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read by this user'
          : `cannot be read${typeof code === 'string' ? ` (${code})` : ''}`;
    throw new ConfigError(
      `the ID token file ${path} (from ${setting}) ${why}: point ${setting} at the file your identity provider writes the token to`,
    );
  }
  // A token is one line with no spaces; files usually end with a newline that IAM would refuse.
  const token = text.trim();
  if (!token) {
    throw new ConfigError(`the ID token file ${path} (from ${setting}) is empty: it must hold the OIDC ID token`);
  }
  return token;
}

export function federatedToken(
  settings: FederationSettings,
  ctx: ChainContext,
  internals: FederationInternals = {},
): CredentialProvider {
  return refreshing(
    async () =>
      exchangeIdToken({
        fetch: ctx.fetch,
        iamEndpoint: settings.iamEndpoint,
        idpId: settings.idpId,
        idToken: await readIdToken(settings),
        projectId: settings.projectId,
        timeoutMs: internals.timeoutMs,
      }),
    {
      source: settings.source,
      marginMs: ctx.refreshMarginMs,
      now: ctx.now,
      warn: ctx.warn,
      renewHint: `IAM gave back a refused token; check that ${settings.idTokenFileSetting} names a file that holds a current ID token`,
    },
  );
}
