// The shapes every credential source agrees on, so the client asks one interface for "the
// credential to use now" and never needs to know whether it came from an option, the
// environment, a file, the instance metadata service or an OIDC exchange.

/** An IAM token, sent as `X-Auth-Token`. */
export interface TokenCredential {
  kind: 'token';
  token: string;
  /** Epoch milliseconds; absent when unknown (a token someone handed us). */
  expiresAt?: number;
}

/** AK/SK for SDK-HMAC-SHA256 signing; with `securityToken` they are temporary. */
export interface AkSkCredential {
  kind: 'aksk';
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  /** Epoch milliseconds; absent for permanent keys. */
  expiresAt?: number;
}

/** What one request is authenticated with. */
export type Credential = TokenCredential | AkSkCredential;

/** Where credentials come from; temporary ones are renewed behind `get()`. Pass your own as `credentials`. */
export interface CredentialProvider {
  /** Where the credential came from, for messages and --debug; never contains a secret. */
  readonly source: string;
  /**
   * The credential to use now. Temporary ones are refreshed `refreshMarginMs` (default 5 min)
   * before `expiresAt`; concurrent callers share one refresh.
   */
  get(options?: { signal?: AbortSignal | undefined }): Promise<Credential>;
  /**
   * The server refused this credential as expired: the next get() fetches a new one (once,
   * shared by concurrent callers) and never returns this one again.
   */
  invalidate(credential: Credential): void;
}

export interface ChainContext {
  env: Record<string, string | undefined>;
  fetch: typeof globalThis.fetch;
  /** The `credentials` option as a provider (config.ts wraps explicit keys and tokens): the chain's first link. */
  credentials?: CredentialProvider | undefined;
  /** For project discovery. */
  region?: string | undefined;
  /** Explicit; wins over the environment and the profile file. */
  projectId?: string | undefined;
  /** How long before `expiresAt` temporary credentials are renewed (default 5 minutes). */
  refreshMarginMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Non-fatal problems, e.g. a profile file others can read. */
  warn?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface ResolvedChain {
  provider: CredentialProvider;
  /** Explicit, from the environment or the profile, or discovered from IAM; absent if none of these. */
  projectId?: string | undefined;
  /** Where `projectId` came from, for --debug. */
  projectIdSource?: string | undefined;
  /** The IAM endpoint the chain's sources use (the default unless a setting names another). */
  iamEndpoint?: string | undefined;
}

/** The settings an OIDC federation source needs; built by the env and profile links. */
export interface FederationSettings {
  idpId: string;
  idTokenFile: string;
  projectId: string;
  iamEndpoint: string;
  /** For messages: where these settings came from. */
  source: string;
  /** For messages: the setting that names the ID token file. */
  idTokenFileSetting: string;
}

/** Builds the federation provider; only the Node chain has one (it reads a file). */
export type FederationFactory = (settings: FederationSettings, ctx: ChainContext) => CredentialProvider;

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Every secret value in a credential, e.g. for an output redactor. */
export function credentialSecrets(credential: Credential): string[] {
  const values =
    credential.kind === 'token'
      ? [credential.token]
      : [credential.accessKey, credential.secretKey, credential.securityToken];
  return values.filter((v): v is string => !!v);
}
