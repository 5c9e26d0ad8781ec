// Turns createHssClient's options (and the environment variables the official Huawei SDKs
// read) into one checked configuration, failing early with the setting to supply.
import { ConfigError } from './errors.js';
import { regionEndpoints } from './generated/spec-rules.js';
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

export interface HssClientOptions {
  /** Region ID, e.g. `ap-southeast-1`; picks the endpoint from the spec's server list. */
  region?: string;
  /** Full endpoint URL; overrides `region`. Plain http is accepted for loopback hosts only. */
  endpoint?: string;
  projectId?: string;
  /** Defaults to HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN, or HSS_EXPORT_TOKEN. */
  credentials?: Credentials;
  /** Per-attempt time limit in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Automatic retries after the first attempt (default 2); see retry.ts for which failures. */
  maxRetries?: number;
  /** A fetch implementation (default: the global one). */
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
  credentials: Credentials;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  userAgent: string;
}

export const SDK_USER_AGENT = 'hss-export-client/0';

function defaultEnv(): Record<string, string | undefined> {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env ?? {};
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return value;
}

function resolveEndpoint(options: HssClientOptions, env: Record<string, string | undefined>) {
  const region = options.region ?? env.HUAWEICLOUD_SDK_REGION;
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new ConfigError(
        `endpoint "${options.endpoint}" is not a URL; use e.g. https://hss.ap-southeast-1.myhuaweicloud.com`,
      );
    }
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new ConfigError(
        `endpoint must use https:// (plain http is only allowed for 127.0.0.1/localhost), got ${url.origin}`,
      );
    }
    return { endpoint: url.href.replace(/\/+$/, ''), region };
  }
  if (!region) {
    throw new ConfigError(
      'no region or endpoint: pass `region` (e.g. "ap-southeast-1"), set HUAWEICLOUD_SDK_REGION, or pass `endpoint`',
    );
  }
  const endpoint = (regionEndpoints as Record<string, string>)[region];
  if (!endpoint) {
    throw new ConfigError(
      `unknown region "${region}"; HSS is offered in: ${Object.keys(regionEndpoints).join(', ')}. ` +
        'For another endpoint pass `endpoint`.',
    );
  }
  return { endpoint, region };
}

function resolveCredentials(options: HssClientOptions, env: Record<string, string | undefined>): Credentials {
  const given = options.credentials as Partial<TokenCredentials & AkSkCredentials> | undefined;
  if (given) {
    const hasToken = given.token !== undefined;
    const hasAk = given.accessKey !== undefined || given.secretKey !== undefined;
    if (hasToken && hasAk) {
      throw new ConfigError(
        'credentials have both a token and an access key: pass either { token } or { accessKey, secretKey }',
      );
    }
    if (hasToken) {
      if (!given.token) throw new ConfigError('credentials.token is empty');
      if (given.securityToken !== undefined) {
        throw new ConfigError(
          'credentials.securityToken goes with temporary { accessKey, secretKey }, not with a token',
        );
      }
      return { token: given.token };
    }
    if (!given.accessKey || !given.secretKey) {
      throw new ConfigError('credentials need both accessKey and secretKey (or pass { token })');
    }
    return { accessKey: given.accessKey, secretKey: given.secretKey, securityToken: given.securityToken || undefined };
  }
  const ak = env.HUAWEICLOUD_SDK_AK;
  const sk = env.HUAWEICLOUD_SDK_SK;
  if (ak || sk) {
    if (!ak || !sk) {
      throw new ConfigError(
        `HUAWEICLOUD_SDK_${ak ? 'SK' : 'AK'} is not set, but HUAWEICLOUD_SDK_${ak ? 'AK' : 'SK'} is: set both`,
      );
    }
    return { accessKey: ak, secretKey: sk, securityToken: env.HUAWEICLOUD_SDK_SECURITY_TOKEN || undefined };
  }
  if (env.HSS_EXPORT_TOKEN) return { token: env.HSS_EXPORT_TOKEN };
  throw new ConfigError(
    'no credentials: pass `credentials`, or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK ' +
      '(plus HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys), or HSS_EXPORT_TOKEN for an IAM token',
  );
}

export function resolveConfig(options: HssClientOptions = {}): ResolvedConfig {
  const env = options.env ?? defaultEnv();
  const { endpoint, region } = resolveEndpoint(options, env);
  const projectId = options.projectId ?? env.HUAWEICLOUD_SDK_PROJECT_ID;
  if (!projectId) throw new ConfigError('no project ID: pass `projectId` or set HUAWEICLOUD_SDK_PROJECT_ID');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigError('no fetch in this runtime: pass `fetch`');
  return {
    endpoint,
    region,
    projectId,
    credentials: resolveCredentials(options, env),
    timeoutMs: wholeNumber('timeoutMs', options.timeoutMs, 60_000),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxRetries: wholeNumber('maxRetries', options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries),
    },
    fetch: fetchImpl,
    userAgent: options.userAgent ? `${SDK_USER_AGENT} ${options.userAgent}` : SDK_USER_AGENT,
  };
}
