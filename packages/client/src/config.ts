// Turns createHssClient's options (and the environment variables the official Huawei SDKs
// read) into one checked configuration, failing early with the setting to supply.
import { ConfigError } from './errors.js';
import { servers } from './generated/regions.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

export interface TokenCredentials {
  /** IAM project-scoped token (`X-Subject-Token` from IAM), sent as `X-Auth-Token`. */
  token: string;
}
export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  /** For temporary AK/SK from IAM; sent (and signed) as `X-Security-Token`. */
  securityToken?: string | undefined;
}
export type Credentials = TokenCredentials | AkSkCredentials;

/** What a request is authenticated with right now. */
export type Credential =
  | { kind: 'token'; token: string; expiresAt?: number }
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken?: string | undefined; expiresAt?: number };

/** Where credentials come from; temporary ones are refreshed behind `get()`. */
export interface CredentialProvider {
  /** Where they came from, for messages; never a secret. */
  readonly source: string;
  get(options?: { signal?: AbortSignal | undefined }): Promise<Credential>;
  /** The server refused `credential` as expired: the next `get()` must not return it again. */
  invalidate(credential: Credential): void;
}

export interface HssClientOptions {
  /** Region ID, e.g. `ap-southeast-1`; picks the endpoint from the spec's server list. */
  region?: string;
  /** Full endpoint URL (a base path is kept); overrides `region`. Plain http only for loopback hosts. */
  endpoint?: string;
  projectId?: string;
  /** Defaults to HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN, or HSS_EXPORT_TOKEN. */
  credentials?: Credentials | CredentialProvider;
  /** Per attempt, from sending until a JSON answer is read whole or a file's headers arrive (default 60 000 ms; 0: none). */
  timeoutMs?: number;
  /** A file download fails when its body sends nothing for this long (default 30 000 ms; 0: never). */
  idleTimeoutMs?: number;
  /** Automatic retries after the first attempt (default 2); see retry.ts for which failures. */
  maxRetries?: number;
  /** A fetch implementation (default: the global one), e.g. one that goes through a proxy. */
  fetch?: typeof globalThis.fetch;
  /** Appended to this SDK's User-Agent. */
  userAgent?: string;
  /** Where to read HUAWEICLOUD_SDK_* from (default: process.env where there is one). */
  env?: Record<string, string | undefined>;
}

export interface ResolvedConfig {
  endpoint: string;
  region: string | undefined;
  projectId: string;
  credentials: CredentialProvider;
  timeoutMs: number;
  idleTimeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  userAgent: string;
  /** Plain http to 127.0.0.1 and the like: a local mock or test server. */
  loopback: boolean;
}

export const SDK_USER_AGENT = 'hss-export-client/0';
/** setTimeout fires at once for longer delays, so longer limits are refused, not shortened. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** Whole milliseconds from 0 to MAX_TIMER_MS; `what` names the setting in the message. */
export function checkMs(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new ConfigError(`${what} must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${value}`);
  }
  return value;
}

export function checkRetries(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new ConfigError(`${what} must be a whole number from 0 to 10, got ${value}`);
  }
  return value;
}

/** Header values must be visible ASCII; a CR or LF would end the header early. */
function headerSafe(what: string, value: string): string {
  if (!value) throw new ConfigError(`${what} is empty`);
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(
      `${what} contains a space, a control character (such as a line break) or a non-ASCII character, ` +
        'which no HTTP header can carry; copy it again without them',
    );
  }
  return value;
}

export const staticProvider = (credential: Credential, source: string): CredentialProvider => ({
  source,
  get: async () => credential,
  invalidate() {},
});

const defaultEnv = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

function resolveEndpoint(options: HssClientOptions, region: string | undefined) {
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new ConfigError('endpoint is not a URL; use e.g. https://hss.ap-southeast-1.myhuaweicloud.com');
    }
    // The origin alone: the full value could hold a password.
    if (url.username || url.password) {
      throw new ConfigError(
        `endpoint must not carry a user name or password (${url.origin}); pass credentials instead`,
      );
    }
    if (url.search || url.hash) throw new ConfigError(`endpoint must not have a query or fragment (${url.origin})`);
    const loopback = LOOPBACK.includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new ConfigError(
        `endpoint must use https:// (plain http is only allowed for 127.0.0.1/localhost), got ${url.origin}`,
      );
    }
    return { endpoint: url.href.replace(/\/+$/, ''), loopback: url.protocol === 'http:' };
  }
  if (!region) {
    throw new ConfigError(
      'no region or endpoint: pass `region` (e.g. "ap-southeast-1"), set HUAWEICLOUD_SDK_REGION, or pass `endpoint`',
    );
  }
  const server = servers.find((s) => (s.regions as readonly string[]).includes(region));
  if (!server) {
    throw new ConfigError(
      `unknown region "${region}"; HSS is offered in: ${servers.flatMap((s) => s.regions).join(', ')}. ` +
        'For another endpoint pass `endpoint`.',
    );
  }
  return { endpoint: server.url.replace('{region}', region), loopback: false };
}

function resolveCredentials(options: HssClientOptions, env: Record<string, string | undefined>): CredentialProvider {
  const given = options.credentials as Partial<TokenCredentials & AkSkCredentials & CredentialProvider> | undefined;
  if (typeof given?.get === 'function') return given as CredentialProvider;
  const aksk = (ak: string, sk: string, st: string | undefined, names: readonly string[], where: string) =>
    staticProvider(
      {
        kind: 'aksk',
        accessKey: headerSafe(names[0]!, ak),
        secretKey: headerSafe(names[1]!, sk),
        securityToken: st ? headerSafe(names[2]!, st) : undefined,
      },
      where,
    );
  if (given) {
    const names = ['credentials.accessKey', 'credentials.secretKey', 'credentials.securityToken'];
    if (given.token !== undefined) {
      if (given.accessKey !== undefined || given.secretKey !== undefined) {
        throw new ConfigError(
          'credentials have both a token and an access key: pass either { token } or { accessKey, secretKey }',
        );
      }
      if (given.securityToken !== undefined) {
        throw new ConfigError(
          'credentials.securityToken goes with temporary { accessKey, secretKey }, not with a token',
        );
      }
      return staticProvider({ kind: 'token', token: headerSafe('credentials.token', given.token) }, 'credentials');
    }
    if (!given.accessKey || !given.secretKey) {
      throw new ConfigError('credentials need both accessKey and secretKey (or pass { token })');
    }
    return aksk(given.accessKey, given.secretKey, given.securityToken, names, 'credentials');
  }
  const { HUAWEICLOUD_SDK_AK: ak, HUAWEICLOUD_SDK_SK: sk } = env;
  if (ak || sk) {
    if (!ak || !sk) {
      throw new ConfigError(
        `HUAWEICLOUD_SDK_${ak ? 'SK' : 'AK'} is not set, but HUAWEICLOUD_SDK_${ak ? 'AK' : 'SK'} is: set both`,
      );
    }
    const names = ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN'];
    return aksk(ak, sk, env.HUAWEICLOUD_SDK_SECURITY_TOKEN, names, 'environment (HUAWEICLOUD_SDK_AK)');
  }
  if (env.HSS_EXPORT_TOKEN) {
    return staticProvider(
      { kind: 'token', token: headerSafe('HSS_EXPORT_TOKEN', env.HSS_EXPORT_TOKEN) },
      'environment (HSS_EXPORT_TOKEN)',
    );
  }
  throw new ConfigError(
    'no credentials: pass `credentials`, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
      '(plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys), or HSS_EXPORT_TOKEN for an IAM token',
  );
}

export function resolveConfig(options: HssClientOptions = {}): ResolvedConfig {
  const env = options.env ?? defaultEnv();
  const region = options.region ?? env.HUAWEICLOUD_SDK_REGION;
  const { endpoint, loopback } = resolveEndpoint(options, region);
  const projectId = options.projectId ?? env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (!projectId) throw new ConfigError('no project ID: pass `projectId` or set HUAWEICLOUD_SDK_PROJECT_ID');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigError('no fetch in this runtime: pass `fetch`');
  return {
    endpoint,
    region,
    // Sent as X-Project-Id when signing, so it must be a valid header value too.
    projectId: headerSafe('projectId', projectId),
    credentials: resolveCredentials(options, env),
    timeoutMs: checkMs('timeoutMs', options.timeoutMs, 60_000),
    idleTimeoutMs: checkMs('idleTimeoutMs', options.idleTimeoutMs, 30_000),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxRetries: checkRetries('maxRetries', options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries),
    },
    fetch: fetchImpl,
    userAgent: options.userAgent ? `${SDK_USER_AGENT} ${options.userAgent}` : SDK_USER_AGENT,
    loopback,
  };
}
