// The provider chain: ask each source in turn and take the first that has credentials,
// as Huawei's SDKs do. Later sources are never consulted once one answers, so the
// metadata service is only ever asked when nothing configured locally applies. A source
// whose settings contradict each other throws a ConfigError at once rather than
// letting a later source quietly win with credentials the user did not mean.
import { NoCredentialsError, type ChainAttempt } from './errors.js';
import { DEFAULT_IAM_ENDPOINT } from './endpoint.js';
import { iamEndpointFromEnv, projectIdFromEnv } from './env.js';
import type { AkSkCredential, ChainContext, CredentialProvider, ResolvedChain } from './types.js';

export interface LinkHit {
  provider: CredentialProvider;
  /** The project ID this source names, if any (explicit and env settings still win). */
  projectId?: string | undefined;
  projectIdSource?: string | undefined;
  iamEndpoint?: string | undefined;
}

export interface LinkMiss {
  /** Why this source gave nothing, e.g. "no file at ~/.huaweicloud/credentials". */
  reason: string;
}

export type LinkResult = LinkHit | LinkMiss;

export interface CredentialLink {
  /** The source in words, e.g. "environment variables". */
  readonly name: string;
  /** A provider, a reason for giving none, or a ConfigError for contradicting settings. */
  resolve(ctx: ChainContext): Promise<LinkResult>;
}

export type ProjectDiscovery = (args: {
  iamEndpoint: string;
  region: string;
  credential: AkSkCredential;
  ctx: ChainContext;
}) => Promise<string>;

export interface ChainDefinition {
  links: readonly CredentialLink[];
  /** The last line of the error when every link gives nothing. */
  fix: string;
  /** Finds the project ID from the region when no setting names one (Node only). */
  discoverProjectId?: ProjectDiscovery | undefined;
}

const isHit = (result: LinkResult): result is LinkHit => 'provider' in result;

export async function resolveChain(ctx: ChainContext, chain: ChainDefinition): Promise<ResolvedChain> {
  const attempts: ChainAttempt[] = [];
  let hit: LinkHit | undefined;
  for (const link of chain.links) {
    const result = await link.resolve(ctx);
    if (isHit(result)) {
      hit = result;
      break;
    }
    attempts.push({ source: link.name, reason: result.reason });
  }
  if (!hit) throw new NoCredentialsError(attempts, chain.fix);

  const iamEndpoint = hit.iamEndpoint ?? iamEndpointFromEnv(ctx.env) ?? DEFAULT_IAM_ENDPOINT;
  const resolved: ResolvedChain = { provider: hit.provider, iamEndpoint };
  const fromEnv = projectIdFromEnv(ctx.env);
  if (ctx.projectId) {
    resolved.projectId = ctx.projectId;
    resolved.projectIdSource = 'the projectId option';
  } else if (fromEnv) {
    resolved.projectId = fromEnv;
    resolved.projectIdSource = 'HUAWEICLOUD_SDK_PROJECT_ID';
  } else if (hit.projectId) {
    resolved.projectId = hit.projectId;
    resolved.projectIdSource = hit.projectIdSource ?? hit.provider.source;
  } else if (ctx.region && chain.discoverProjectId) {
    // Only AK/SK can sign the IAM request; a token already names its project.
    const credential = await hit.provider.get({ signal: ctx.signal });
    if (credential.kind === 'aksk') {
      resolved.projectId = await chain.discoverProjectId({ iamEndpoint, region: ctx.region, credential, ctx });
      resolved.projectIdSource = `IAM (the only project named ${ctx.region})`;
    }
  }
  return resolved;
}

/**
 * Resolves once and shares the answer, as a client needs: its first calls may start
 * together, and the chain (a metadata round trip, a project lookup) must run once.
 * A failure is not kept, so a later call tries again (the metadata service may have been
 * slow, or the user may have fixed the file).
 */
export function cachedChain(resolve: () => Promise<ResolvedChain>): () => Promise<ResolvedChain> {
  let pending: Promise<ResolvedChain> | undefined;
  return () => {
    if (!pending) {
      const attempt = Promise.resolve()
        .then(resolve)
        .catch((error: unknown) => {
          if (pending === attempt) pending = undefined;
          throw error;
        });
      pending = attempt;
    }
    return pending;
  };
}
