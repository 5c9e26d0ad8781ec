// From HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case spellings) to the fetch the
// client is given: Node's built-in fetch when no proxy variable is set, otherwise undici's
// fetch with its EnvHttpProxyAgent.
//
// Why undici's own fetch and not the global one with `dispatcher`: the global fetch is backed
// by the undici that Node bundles (6.24.1 in Node 20.20), not by the undici we depend on
// (7.30.2). Probed on Node 20.20, that pairing happened to work (tunnel, 5 MB streamed body,
// 407 and ECONNREFUSED surfaced alike), because undici 7 still accepts the older handler
// shape; undici 8 dispatchers reject it ("invalid onRequestStart method") and every Node
// major bundles another undici. A fetch and a dispatcher from the same package cannot drift.
//
// Importing undici nearly doubles start-up (`hss-export --version`: about 78 ms without it,
// 150 ms with it, on Node 20.20), so it is loaded only when a proxy variable is set.
import { UsageError } from './errors.js';

type Fetch = typeof globalThis.fetch;

/** The variable a proxy came from and its origin: what may be shown (never the userinfo). */
export interface ProxyRoute {
  variable: string;
  origin: string;
  /**
   * The proxy's HTTP status when it refused the request itself (e.g. 407): then nothing
   * reached the API, as a proxy passes a request on only once it has accepted it.
   */
  refusedWith?: number | undefined;
}

interface ProxySetting {
  variable: string;
  /** The variable's value as set. */
  value: string;
  url: URL;
}

interface ProxySettings {
  http: ProxySetting | undefined;
  https: ProxySetting | undefined;
  noProxy: string;
}

export interface ProxyFetch {
  fetch: Fetch;
  /** Proxy credentials in every form they might be printed in, for the redacting writer. */
  secrets: string[];
  /** For --debug: whether and through which proxy requests to `url` go. */
  describe(url: string): string;
  /** Closes the proxy agent's idle connections, so they do not hold the process open. */
  close(): Promise<void>;
}

// The names and precedence undici's EnvHttpProxyAgent uses: lower case first, and a set but
// empty lower-case variable hides the upper-case one (`??`, not `||`).
function pick(env: Record<string, string | undefined>, name: string): { variable: string; value: string } {
  const lower = name.toLowerCase();
  if (env[lower] !== undefined) return { variable: lower, value: env[lower] };
  return { variable: name, value: env[name] ?? '' };
}

// Textual, so that it works on values URL cannot parse: everything between the scheme and
// the last `@`. It may take in more than the userinfo, never less.
function splitUserinfo(value: string): { scheme: string; userinfo: string; rest: string } | undefined {
  const at = value.lastIndexOf('@');
  if (at === -1) return undefined;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  return { scheme, userinfo: value.slice(scheme.length, at), rest: value.slice(at) };
}

/** The value with its userinfo replaced by `***`, for messages. */
export function hideUserinfo(value: string): string {
  const parts = splitUserinfo(value);
  return parts ? `${parts.scheme}***${parts.rest}` : value;
}

function parseProxy(variable: string, value: string): ProxySetting | undefined {
  if (!value) return undefined;
  const shown = hideUserinfo(value);
  const bad = (why: string) =>
    new UsageError(
      `${variable} is not a usable proxy URL (${JSON.stringify(shown)}): ${why}; expected http://[user:password@]host:port`,
    );
  // A bare host:port means http://host:port, as curl, Go and Python read it; without the
  // prefix URL would take the host name for a scheme.
  const text = value.includes('://') ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw bad(`the scheme is ${url.protocol.slice(0, -1)}, not http or https`);
  try {
    // undici decodes them when it builds Proxy-Authorization, and would throw a URIError then.
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw bad('the user or password has a broken %-escape');
  }
  return { variable, value, url };
}

function readSettings(env: Record<string, string | undefined>): ProxySettings {
  const https = pick(env, 'HTTPS_PROXY');
  const http = pick(env, 'HTTP_PROXY');
  return {
    https: parseProxy(https.variable, https.value),
    http: parseProxy(http.variable, http.value),
    noProxy: pick(env, 'NO_PROXY').value,
  };
}

function credentialsOf(setting: ProxySetting | undefined): string[] {
  if (!setting) return [];
  const { username, password } = setting.url;
  if (!username && !password) return [];
  const user = decodeURIComponent(username);
  const pass = decodeURIComponent(password);
  // As typed, which URL may have re-encoded (a space becomes %20).
  const typed = splitUserinfo(setting.value)?.userinfo ?? '';
  return [
    typed,
    typed.slice(typed.indexOf(':') + 1),
    password,
    pass,
    `${username}:${password}`,
    `${user}:${pass}`,
    // What Proxy-Authorization carries; a proxy or undici could echo it back.
    Buffer.from(`${user}:${pass}`).toString('base64'),
    // With no password the user name is the credential (a token-style proxy login).
    ...(password ? [] : [username, user]),
  ];
}

// NO_PROXY as EnvHttpProxyAgent (undici 7.30.2) reads it. The agent alone decides where a
// request goes; this copy only words --debug and the connection-failure hint.
function bypassed(url: URL, noProxy: string): boolean {
  const entries = noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .map((entry) => {
      const parsed = /^(.+):(\d+)$/.exec(entry);
      return {
        hostname: (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase(),
        port: parsed ? Number.parseInt(parsed[2]!, 10) : 0,
      };
    });
  if (entries.length === 0) return false;
  if (noProxy === '*') return true;
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
  return entries.some(
    (entry) =>
      (!entry.port || entry.port === port) && (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)),
  );
}

function settingFor(settings: ProxySettings, url: URL): ProxySetting | undefined {
  // EnvHttpProxyAgent sends https requests through HTTP_PROXY when HTTPS_PROXY is unset.
  const setting = url.protocol === 'https:' ? (settings.https ?? settings.http) : settings.http;
  return setting && !bypassed(url, settings.noProxy) ? setting : undefined;
}

function routeFor(settings: ProxySettings, url: URL): ProxyRoute | undefined {
  const setting = settingFor(settings, url);
  return setting && { variable: setting.variable, origin: setting.url.origin };
}

let lastRoute: ProxyRoute | undefined;

/**
 * The proxy the most recent request went through, if any. The CLI sends one request at a
 * time, so after a connection failure this is the proxy of the request that failed.
 */
export function lastProxyRoute(): ProxyRoute | undefined {
  return lastRoute;
}

function innermostMessage(error: unknown): string | undefined {
  let message: string | undefined;
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) message = e.message;
  return message;
}

// undici's "fetch failed" hides why; the reason is at the end of the cause chain. The
// refusal wordings are undici's: a CONNECT answered with another status than 200, and a 407
// to an absolute-form request.
function proxyFailure(error: unknown): { error: unknown; refusedWith?: number | undefined } {
  if (!(error instanceof TypeError)) return { error };
  const inner = innermostMessage(error.cause);
  if (!inner) return { error };
  const refused =
    /^Proxy response \((\d{3})\) !== 200/.exec(inner) ?? /^Proxy Authentication Required \((407)\)/.exec(inner);
  const status = refused ? Number(refused[1]) : undefined;
  const reason = status
    ? `the proxy answered HTTP ${status}${status === 407 ? ' (Proxy Authentication Required)' : ''}`
    : inner;
  // Same cause: the client reads the system error code (ECONNREFUSED...) from it.
  return { error: new TypeError(`${error.message}: ${reason}`, { cause: error.cause }), refusedWith: status };
}

function requestUrl(input: RequestInfo | URL): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

function describeFor(settings: ProxySettings, target: string): string {
  const url = new URL(target);
  const setting = settingFor(settings, url);
  if (setting) {
    const auth = setting.url.username || setting.url.password ? ', with the credentials from its URL (not shown)' : '';
    return `using proxy ${setting.url.origin} from ${setting.variable} for ${url.origin}${auth}`;
  }
  const set = [settings.https, settings.http].filter((s) => s !== undefined).map((s) => s.variable);
  if (set.length === 0) return `no proxy for ${url.origin}: HTTPS_PROXY and HTTP_PROXY are not set`;
  if (url.protocol === 'http:' && !settings.http)
    return `no proxy for ${url.origin}: ${set.join(' and ')} applies to https:// only, HTTP_PROXY is not set`;
  return `no proxy for ${url.origin}: NO_PROXY (${JSON.stringify(settings.noProxy)}) excludes it`;
}

/**
 * The fetch to hand to createHssClient, from the proxy variables in `env`. Throws
 * UsageError for a malformed proxy URL, naming the variable, before anything is sent.
 */
export async function fetchFromEnv(env: Record<string, string | undefined>): Promise<ProxyFetch> {
  const settings = readSettings(env);
  lastRoute = undefined;
  const describe = (url: string) => describeFor(settings, url);
  if (!settings.http && !settings.https) {
    return { fetch: globalThis.fetch, secrets: [], describe, close: async () => {} };
  }
  const undici = await import('undici');
  const agent = new undici.EnvHttpProxyAgent({
    // Passed explicitly so the agent follows the environment the CLI was given (tests pass
    // their own), not whatever process.env holds; '' means unset to the agent.
    httpProxy: settings.http?.url.href ?? '',
    httpsProxy: settings.https?.url.href ?? '',
    noProxy: settings.noProxy,
    // Plain http through an http proxy as an absolute-form request, which every proxy
    // serves, instead of a CONNECT tunnel, which many allow to port 443 only.
    proxyTunnel: false,
  });
  // undici's fetch takes and returns undici's own Request/Response classes; they are the
  // WHATWG ones, so the cast only bridges two copies of the same type declarations.
  const undiciFetch = undici.fetch as unknown as (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  const proxied: Fetch = async (input, init) => {
    const route = routeFor(settings, requestUrl(input));
    lastRoute = route;
    try {
      return await undiciFetch(input, { ...init, dispatcher: agent } as RequestInit);
    } catch (error) {
      if (!route) throw error;
      const failure = proxyFailure(error);
      lastRoute = { ...route, refusedWith: failure.refusedWith };
      throw failure.error;
    }
  };
  return {
    fetch: proxied,
    secrets: [...credentialsOf(settings.https), ...credentialsOf(settings.http)],
    describe,
    // destroy, not close: close waits for requests in flight, and after an interrupt one may never end.
    close: () => agent.destroy(),
  };
}
