// Turns createHssClient's options into one checked configuration, failing early with the
// setting to supply. Credentials and the project ID that are not passed come from the
// provider chain (credentials/), loaded and run on the first call.
import type { Credential, CredentialProvider } from './credentials/types.js';
import { ConfigError } from './errors.js';
import { servers } from './generated/regions.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

export type { Credential, CredentialProvider } from './credentials/types.js';

/** An IAM token as `credentials`. */
export interface TokenCredentials {
  /** IAM project-scoped token (`X-Subject-Token` from IAM), sent as `X-Auth-Token`. */
  token: string;
}
/** AK/SK as `credentials`, signed with SDK-HMAC-SHA256. */
export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  /** For temporary AK/SK from IAM; sent (and signed) as `X-Security-Token`. */
  securityToken?: string | undefined;
}
/** Explicit credentials: a token, or AK/SK (optionally temporary). */
export type Credentials = TokenCredentials | AkSkCredentials;

/** Options of `createHssClient`; every one may be left out where the environment supplies it. */
export interface HssClientOptions {
  /** Region ID, e.g. `ap-southeast-1`; picks the endpoint from the spec's server list. */
  region?: string;
  /** Full endpoint URL (a base path is kept); overrides `region`. Plain http only for loopback hosts. */
  endpoint?: string;
  /** Left out: HUAWEICLOUD_SDK_PROJECT_ID, the credentials file's project_id, or IAM's one project in `region`. */
  projectId?: string;
  /**
   * Left out, they come from the chain: the environment (HUAWEICLOUD_SDK_AK / _SK /
   * _SECURITY_TOKEN, HSS_EXPORT_TOKEN, or OIDC federation), then in Node the credentials
   * file and the instance metadata service. A provider of your own is used as it is.
   */
  credentials?: Credentials | CredentialProvider;
  /** Per attempt, from sending until a JSON answer is read whole or a file's headers arrive (default 60 000 ms; 0: none). */
  timeoutMs?: number;
  /** A file download fails when its body sends nothing for this long (default 30 000 ms; 0: never). */
  idleTimeoutMs?: number;
  /** Automatic retries after the first attempt (0 to 10, default 2): only failures the call may safely repeat (see the README, "Retries"). */
  maxRetries?: number;
  /** A fetch implementation (default: the global one), e.g. one that goes through a proxy. */
  fetch?: typeof globalThis.fetch;
  /** Appended to this SDK's User-Agent. */
  userAgent?: string;
  /** Where to read HUAWEICLOUD_SDK_* from (default: process.env where there is one). */
  env?: Record<string, string | undefined>;
  /** Non-fatal problems, e.g. a credentials file others can read (default: process.emitWarning, else console.warn). */
  warn?: (message: string) => void;
}

/** The credentials and the project ID in use, and where the project ID came from. */
export interface Settings {
  credentials: CredentialProvider;
  projectId: string;
  /** E.g. `the projectId option`, `HUAWEICLOUD_SDK_PROJECT_ID`, `IAM (the only project named cn-north-4)`. */
  projectIdSource: string;
}

export interface ResolvedConfig {
  endpoint: string;
  region: string | undefined;
  /** The explicit one, if any; `settings()` has the one in use. */
  projectId: string | undefined;
  /** Resolved once (the chain runs at most once at a time); a failure is retried on the next call. */
  settings(): Promise<Settings>;
  timeoutMs: number;
  idleTimeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  userAgent: string;
  /** Plain http to 127.0.0.1 and the like: a local mock or test server. */
  loopback: boolean;
  /** The credentials known at construction (options and environment), redacted from the first call on. */
  secrets: readonly string[];
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

/** Header values must be visible ASCII; a CR or LF would end the header early. The value is never quoted. */
export function headerSafe(what: string, value: string): string {
  if (!value) throw new ConfigError(`${what} is empty`);
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new ConfigError(
      `${what} contains a space, a control character (such as a line break) or a non-ASCII character, ` +
        'which no HTTP header can carry; copy it again without them',
    );
  }
  return value;
}

/** Credentials from any source must be valid header values before anything is sent. */
export function checkCredential(credential: Credential, source: string): void {
  for (const [name, value] of Object.entries(credential)) {
    if (name !== 'kind' && name !== 'expiresAt' && typeof value === 'string')
      headerSafe(`${name} from ${source}`, value);
  }
}

export const staticProvider = (credential: Credential, source: string): CredentialProvider => ({
  source,
  get: async () => credential,
  invalidate() {},
});

const defaultEnv = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

const defaultWarn = (message: string): void => {
  const p = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process;
  if (p?.emitWarning) p.emitWarning(message, 'HssExportWarning');
  else console.warn(message);
};

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

/** Explicit credentials, checked now; the chain is only loaded when there are none. */
function explicitCredentials(given: HssClientOptions['credentials']): CredentialProvider | undefined {
  if (given === undefined || typeof (given as CredentialProvider).get === 'function') {
    return given as CredentialProvider | undefined;
  }
  const c = given as Partial<TokenCredentials & AkSkCredentials>;
  const source = 'the credentials option';
  if (c.token !== undefined) {
    if (c.accessKey !== undefined || c.secretKey !== undefined) {
      throw new ConfigError(
        'credentials have both a token and an access key: pass either { token } or { accessKey, secretKey }',
      );
    }
    if (c.securityToken !== undefined) {
      throw new ConfigError('credentials.securityToken goes with temporary { accessKey, secretKey }, not with a token');
    }
    return staticProvider({ kind: 'token', token: headerSafe('credentials.token', c.token) }, source);
  }
  if (!c.accessKey || !c.secretKey) {
    throw new ConfigError('credentials need both accessKey and secretKey (or pass { token })');
  }
  const credential: Credential = {
    kind: 'aksk',
    accessKey: headerSafe('credentials.accessKey', c.accessKey),
    secretKey: headerSafe('credentials.secretKey', c.secretKey),
  };
  if (c.securityToken) credential.securityToken = headerSafe('credentials.securityToken', c.securityToken);
  return staticProvider(credential, source);
}

const ENV_SECRETS = ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HSS_EXPORT_TOKEN'];
const ENV_CREDENTIALS = [...ENV_SECRETS, 'HUAWEICLOUD_SDK_PROJECT_ID'];

export function resolveConfig(options: HssClientOptions = {}): ResolvedConfig {
  const env = options.env ?? defaultEnv();
  const region = options.region ?? env.HUAWEICLOUD_SDK_REGION;
  const { endpoint, loopback } = resolveEndpoint(options, region);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new ConfigError('no fetch in this runtime: pass `fetch`');
  // Sent as X-Project-Id when signing, so it must be a valid header value too.
  const projectId = options.projectId === undefined ? undefined : headerSafe('projectId', options.projectId);
  const credentials = explicitCredentials(options.credentials);
  // What the chain would read on the first call, refused now: a line break pasted into a
  // key fails at construction, not in the middle of a run.
  for (const name of ENV_CREDENTIALS) if (env[name]) headerSafe(name, env[name]);
  // A key pasted into the wrong field must not show up in the first call's ValidationError,
  // which is thrown before the chain hands out a credential.
  const given = (options.credentials ?? {}) as Partial<TokenCredentials & AkSkCredentials>;
  const secrets = [
    given.token,
    given.accessKey,
    given.secretKey,
    given.securityToken,
    ...ENV_SECRETS.map((n) => env[n]),
  ];

  const resolve = async (): Promise<Settings> => {
    if (credentials && projectId) return { credentials, projectId, projectIdSource: 'the projectId option' };
    // Loaded only here: an app that passes credentials and a project ID never ships the chain.
    const { resolveCredentialChain } = await import('#credential-chain');
    const chain = await resolveCredentialChain({
      env,
      fetch: fetchImpl,
      credentials,
      region,
      projectId,
      warn: options.warn ?? defaultWarn,
    });
    if (!chain.projectId) {
      throw new ConfigError(
        'no project ID: pass `projectId`, set HUAWEICLOUD_SDK_PROJECT_ID or project_id in the credentials file, ' +
          'or give a region and AK/SK so that IAM names the project',
      );
    }
    return {
      credentials: chain.provider,
      projectId: headerSafe('the project ID', chain.projectId),
      projectIdSource: chain.projectIdSource ?? chain.provider.source,
    };
  };
  let settings: Promise<Settings> | undefined;
  return {
    endpoint,
    region,
    projectId,
    settings: () => {
      settings ??= resolve().catch((error: unknown) => {
        settings = undefined;
        throw error;
      });
      return settings;
    },
    timeoutMs: checkMs('timeoutMs', options.timeoutMs, 60_000),
    idleTimeoutMs: checkMs('idleTimeoutMs', options.idleTimeoutMs, 30_000),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxRetries: checkRetries('maxRetries', options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries),
    },
    fetch: fetchImpl,
    userAgent: options.userAgent ? `${SDK_USER_AGENT} ${options.userAgent}` : SDK_USER_AGENT,
    loopback,
    secrets: secrets.filter((v): v is string => typeof v === 'string' && v !== ''),
  };
}
