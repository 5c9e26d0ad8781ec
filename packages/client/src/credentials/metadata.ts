// Temporary AK/SK from the instance metadata service of an ECS instance or CCE node that
// has an agency attached. The service lives at the link-local address only; nothing here
// can be pointed at another host except a loopback test server.
import { AbortError, ConfigError, HssError } from '../errors.js';
import type { CredentialLink, LinkResult } from './chain.js';
import { isLoopback } from './endpoint.js';
import { CredentialSourceError } from './errors.js';
import { sendToSource, type SourceAnswer } from './http.js';
import { refreshing } from './refresh.js';
import type { AkSkCredential, ChainContext } from './types.js';

export const METADATA_ORIGIN = 'http://169.254.169.254';
export const METADATA_TIMEOUT_MS = 3_000;
const TOKEN_PATH = '/meta-data/latest/api/token';
const KEY_PATH = '/openstack/latest/securitykey';
const TOKEN_TTL_SECONDS = 21_600;
// Instances without the token endpoint may gain one; look again after a day, as Huawei's SDKs do.
const NO_TOKEN_ENDPOINT_RECHECK_MS = 24 * 3_600_000;
const AGENCY_MISSING = 'Please configure Cloud Service Agency first';
const SOURCE = 'instance metadata';

/** Undocumented on purpose: lets the CLI's subprocess tests stand in a loopback server. */
export const TEST_METADATA_URL_VAR = 'HSS_EXPORT_TEST_METADATA_URL';

function checkedBase(value: string, setting: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || !(url.protocol === 'http:' || url.protocol === 'https:') || !isLoopback(url)) {
    throw new ConfigError(`${setting} may only point at a test server on 127.0.0.1, localhost or [::1]`);
  }
  return url.origin;
}

/** The loopback test server named by HSS_EXPORT_TEST_METADATA_URL, if set. */
export function testMetadataUrl(env: Record<string, string | undefined>): string | undefined {
  const value = env[TEST_METADATA_URL_VAR];
  return value ? checkedBase(value, TEST_METADATA_URL_VAR) : undefined;
}

export interface MetadataInternals {
  /** A loopback test server instead of 169.254.169.254. */
  baseUrl?: string | undefined;
  /** Per-request time limit (default 3 s). */
  timeoutMs?: number | undefined;
  /**
   * Default: the global fetch, not the client's, which may route through an HTTP proxy
   * that cannot reach (and must not see) this instance's link-local address.
   */
  fetch?: typeof globalThis.fetch | undefined;
  now?: (() => number) | undefined;
}

export interface MetadataClient {
  /** The instance's current temporary AK/SK. */
  securityKey(signal?: AbortSignal): Promise<AkSkCredential>;
}

function agencyMissing(): ConfigError {
  return new ConfigError(
    `the metadata service says this instance has no agency ("${AGENCY_MISSING}"): ` +
      'attach an agency that grants HSS access to this ECS instance or CCE node, ' +
      'or pass credentials another way (credentials option, HUAWEICLOUD_SDK_AK/SK, or the profile file)',
  );
}

export function metadataClient(internals: MetadataInternals = {}): MetadataClient {
  const base = internals.baseUrl === undefined ? METADATA_ORIGIN : checkedBase(internals.baseUrl, 'baseUrl');
  const timeoutMs = internals.timeoutMs ?? METADATA_TIMEOUT_MS;
  const now = internals.now ?? Date.now;
  // Resolved per call so a test can replace globalThis.fetch after construction.
  const fetchImpl: typeof globalThis.fetch = (input, init) => (internals.fetch ?? globalThis.fetch)(input, init);
  let token: { value: string; expiresAt: number } | undefined;
  let noTokenEndpointSince: number | undefined;

  const send = (method: string, path: string, headers: Record<string, string>, signal?: AbortSignal) =>
    sendToSource({
      fetch: fetchImpl,
      url: `${base}${path}`,
      init: { method, headers },
      source: SOURCE,
      what: `${method} ${base}${path}`,
      timeoutMs,
      signal,
    });

  const unexpected = (answer: SourceAnswer, what: string) =>
    new CredentialSourceError(
      'HTTP',
      SOURCE,
      `${SOURCE}: ${what} answered HTTP ${answer.status}; the metadata service may be unavailable, try again later`,
      answer.status,
    );

  /** A fresh session token, or undefined when this instance has no token endpoint. */
  async function newToken(signal: AbortSignal | undefined, required: boolean): Promise<string | undefined> {
    const answer = await send('PUT', TOKEN_PATH, { 'X-Metadata-Token-Ttl-Seconds': String(TOKEN_TTL_SECONDS) }, signal);
    if (answer.status === 200 && answer.text.trim()) {
      token = { value: answer.text.trim(), expiresAt: now() + TOKEN_TTL_SECONDS * 1000 };
      noTokenEndpointSince = undefined;
      return token.value;
    }
    if ((answer.status === 404 || answer.status === 405) && !required) {
      token = undefined;
      noTokenEndpointSince = now();
      return undefined;
    }
    if (answer.status === 200) {
      throw new CredentialSourceError(
        'MALFORMED',
        SOURCE,
        `${SOURCE}: PUT ${TOKEN_PATH} answered 200 with no token`,
        200,
      );
    }
    throw unexpected(answer, `PUT ${TOKEN_PATH}${required ? ' (to renew the token after a 401)' : ''}`);
  }

  async function currentToken(signal: AbortSignal | undefined): Promise<string | undefined> {
    // Renewed a minute early so a token never expires between here and the key request.
    if (token && now() < token.expiresAt - 60_000) return token.value;
    if (!token && noTokenEndpointSince !== undefined && now() - noTokenEndpointSince < NO_TOKEN_ENDPOINT_RECHECK_MS) {
      return undefined;
    }
    return newToken(signal, false);
  }

  const getKey = (value: string | undefined, signal: AbortSignal | undefined) =>
    send('GET', KEY_PATH, value ? { 'X-Metadata-Token': value } : {}, signal);

  return {
    async securityKey(signal) {
      let answer = await getKey(await currentToken(signal), signal);
      if (answer.status === 401) {
        if (answer.text.includes(AGENCY_MISSING)) throw agencyMissing();
        // The session token expired or was revoked: renew it once, as Huawei's SDKs do.
        answer = await getKey(await newToken(signal, true), signal);
        if (answer.status === 401 && answer.text.includes(AGENCY_MISSING)) throw agencyMissing();
      }
      if (answer.status === 401) {
        throw new CredentialSourceError(
          'REFUSED',
          SOURCE,
          `${SOURCE}: GET ${KEY_PATH} was refused (HTTP 401) even with a new session token`,
          401,
        );
      }
      if (answer.status !== 200) throw unexpected(answer, `GET ${KEY_PATH}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.text);
      } catch {}
      const c = (parsed as { credential?: Record<string, unknown> } | undefined)?.credential;
      const field = (name: string) => (typeof c?.[name] === 'string' && c[name] ? (c[name] as string) : undefined);
      const [accessKey, secretKey, securityToken, expires] = ['access', 'secret', 'securitytoken', 'expires_at'].map(
        field,
      );
      const expiresAt = expires === undefined ? Number.NaN : Date.parse(expires);
      if (!accessKey || !secretKey || !securityToken || Number.isNaN(expiresAt)) {
        // The body may hold part of a key, so it is described, never quoted.
        throw new CredentialSourceError(
          'MALFORMED',
          SOURCE,
          `${SOURCE}: GET ${KEY_PATH} answered 200 without a complete credential (access, secret, securitytoken, expires_at)`,
          200,
        );
      }
      return { kind: 'aksk', accessKey, secretKey, securityToken, expiresAt };
    },
  };
}

export function metadataLink(internals: MetadataInternals = {}): CredentialLink {
  return {
    name: SOURCE,
    async resolve(ctx: ChainContext): Promise<LinkResult> {
      const baseUrl = internals.baseUrl ?? testMetadataUrl(ctx.env);
      const now = internals.now ?? ctx.now;
      const client = metadataClient({ ...internals, baseUrl, now });
      try {
        const first = await client.securityKey(ctx.signal);
        const provider = refreshing(() => client.securityKey(), {
          source: `${SOURCE} (${baseUrl ?? METADATA_ORIGIN})`,
          initial: first,
          marginMs: ctx.refreshMarginMs,
          now,
          warn: ctx.warn,
          renewHint:
            "the metadata service keeps handing out credentials the server refuses; check this machine's clock and the agency",
        });
        return { provider };
      } catch (error) {
        if (!(error instanceof HssError) || error instanceof AbortError) throw error;
        if (error instanceof CredentialSourceError && (error.code === 'TIMEOUT' || error.code === 'UNREACHABLE')) {
          return {
            reason: `${error.message.replace(`${SOURCE}: `, '')} (not an ECS instance or CCE node, or the metadata service is blocked)`,
          };
        }
        return { reason: error.message.replace(`${SOURCE}: `, '') };
      }
    },
  };
}
