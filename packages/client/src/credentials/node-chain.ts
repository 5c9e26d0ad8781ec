// The full default chain for Node: the credentials option, the environment (with OIDC
// federation), the profile file, then the instance metadata service; and the project ID
// from IAM when no setting names one. Picked through package.json `imports`
// ("#credential-chain", condition "node"), so browser bundles never contain it.
import { cachedChain, resolveChain, type ChainDefinition } from './chain.js';
import { envLink } from './env.js';
import { federatedToken, type FederationInternals } from './federation.js';
import { discoverProjectId } from './iam.js';
import { metadataLink, type MetadataInternals } from './metadata.js';
import { optionsLink } from './options.js';
import { profileLink } from './profile.js';
import type { ChainContext, FederationFactory, ResolvedChain } from './types.js';

export { cachedChain };

export const NODE_CHAIN_FIX =
  'pass credentials ({ token } or { accessKey, secretKey }); or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
  '(plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys), or HSS_EXPORT_TOKEN for an IAM token; ' +
  'or put ak and sk under [basic] in ~/.huaweicloud/credentials (or the file HUAWEICLOUD_SDK_CREDENTIALS_FILE names); ' +
  'or run on an ECS instance or CCE node with an agency attached';

/** Time limits and endpoints that tests replace; the default chain never sets them. */
export interface NodeChainInternals {
  metadata?: MetadataInternals | undefined;
  iam?: FederationInternals | undefined;
}

export function nodeChain(internals: NodeChainInternals = {}): ChainDefinition {
  const federation: FederationFactory = (settings, ctx) => federatedToken(settings, ctx, internals.iam);
  return {
    links: [optionsLink(), envLink({ federation }), profileLink({ federation }), metadataLink(internals.metadata)],
    fix: NODE_CHAIN_FIX,
    discoverProjectId: ({ iamEndpoint, region, credential, ctx }) =>
      discoverProjectId({
        iamEndpoint,
        region,
        credential,
        fetch: ctx.fetch,
        signal: ctx.signal,
        now: ctx.now,
        timeoutMs: internals.iam?.timeoutMs,
      }),
  };
}

export function resolveCredentialChain(ctx: ChainContext): Promise<ResolvedChain> {
  return resolveChain(ctx, nodeChain());
}
