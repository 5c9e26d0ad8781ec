// The chain outside Node (browsers, workers): the credentials option and the environment
// object only. The profile file and the instance metadata service need Node, and are left
// out of the bundle entirely: package.json `imports` maps "#credential-chain" here for
// every condition but "node".
import { cachedChain, resolveChain, type ChainDefinition } from './chain.js';
import { envLink } from './env.js';
import { optionsLink } from './options.js';
import type { ChainContext, ResolvedChain } from './types.js';

export { cachedChain };

export const BROWSER_CHAIN_FIX =
  'in a browser pass credentials explicitly (a token or AK/SK); the profile file and instance metadata are Node-only';

export function browserChain(): ChainDefinition {
  return { links: [optionsLink(), envLink()], fix: BROWSER_CHAIN_FIX };
}

export function resolveCredentialChain(ctx: ChainContext): Promise<ResolvedChain> {
  return resolveChain(ctx, browserChain());
}
