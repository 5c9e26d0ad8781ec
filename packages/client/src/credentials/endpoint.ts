// Which URLs the credential code may send keys and tokens to. IAM gets AK/SK signatures and
// ID tokens, so it must be https; plain http is only for a test server on this machine,
// the same rule the client applies to its API endpoint.
import { ConfigError } from '../errors.js';

export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/** https, or plain http to a loopback host. */
export function isSafeEndpoint(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));
}

/**
 * An IAM endpoint setting as a base URL without a trailing slash. Like the official SDKs,
 * a bare host name gets https:// in front.
 * @param setting names the setting in errors, e.g. "HUAWEICLOUD_SDK_IAM_ENDPOINT".
 */
export function iamEndpointFrom(value: string, setting: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${setting} is not a URL or host name; use e.g. ${DEFAULT_IAM_ENDPOINT}`);
  }
  if (!isSafeEndpoint(url)) {
    throw new ConfigError(
      `${setting} must use https:// (plain http is only allowed for 127.0.0.1/localhost), got ${url.protocol}//${url.host}`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `${setting} must be a plain base URL such as ${DEFAULT_IAM_ENDPOINT}, without ?query, #hash or user:password@`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
