// Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256), see
// https://support.huaweicloud.com/devg-apisign/api-sign-algorithm-001.md.
// The same code signs in Node and in browsers; only the digests differ (see digests.ts).

import type { AkSkCredentials } from '../config.js';
import { digests } from './digests.js';

export interface SignableRequest {
  method: string;
  url: string | URL;
  headers: Record<string, string>;
  body?: string | Uint8Array | null;
}

const ALGORITHM = 'SDK-HMAC-SHA256';
const { sha256, hmacSha256 } = digests;

// encodeURIComponent also leaves !'()* alone, which RFC 3986 (and the gateway) treats as reserved.
const encode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d+/g, '');
}

export function canonicalUri(pathname: string): string {
  let path = pathname;
  // Decoding the whole path before splitting mirrors the Go and Python SDKs (so %2F counts as a
  // separator); a malformed escape is kept literally rather than failing the request.
  try {
    path = decodeURIComponent(pathname);
  } catch {}
  const uri = path.split('/').map(encode).join('/');
  // The gateway always signs a trailing '/', whether or not the real request has one.
  return uri.endsWith('/') ? uri : `${uri}/`;
}

export function canonicalQueryString(url: URL): string {
  return [...url.searchParams]
    .sort(([n1, v1], [n2, v2]) => cmp(n1, n2) || cmp(v1, v2))
    .map(([n, v]) => `${encode(n)}=${encode(v)}`)
    .join('&');
}

const toUrl = (url: string | URL): URL => (typeof url === 'string' ? new URL(url) : url);

export async function authorization(
  request: SignableRequest,
  credentials: Pick<AkSkCredentials, 'accessKey' | 'secretKey'>,
): Promise<string> {
  // Messages name the missing field only: they end up in logs, so they must never echo a secret.
  if (!credentials.accessKey) throw new TypeError('AK/SK signing: accessKey is empty');
  if (!credentials.secretKey) throw new TypeError('AK/SK signing: secretKey is empty');

  // Keyed by lower-case name so differently cased duplicates collapse (the last one wins).
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const key = name.toLowerCase();
    // Proxies drop '_' headers by default, so the SDKs never sign them; signing Authorization would be circular.
    if (!key.includes('_') && key !== 'authorization') headers.set(key, value.trim());
  }
  const date = headers.get('x-sdk-date');
  if (!date) throw new TypeError('AK/SK signing: the X-Sdk-Date header is required');

  const names = [...headers.keys()].sort(cmp);
  const signedNames = names.join(';');
  const url = toUrl(request.url);
  const unsigned = headers.get('x-sdk-content-sha256') === 'UNSIGNED-PAYLOAD';
  const payloadHash = unsigned ? 'UNSIGNED-PAYLOAD' : await sha256(request.body ?? '');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQueryString(url),
    names.map((n) => `${n}:${headers.get(n)}\n`).join(''),
    signedNames,
    payloadHash,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${date}\n${await sha256(canonicalRequest)}`;

  const signature = await hmacSha256(credentials.secretKey, stringToSign);
  return `${ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedNames}, Signature=${signature}`;
}

export async function signedHeaders(
  request: SignableRequest,
  credentials: AkSkCredentials,
  options: { now?: Date; projectId?: string } = {},
): Promise<Record<string, string>> {
  const url = toUrl(request.url);
  const added: Record<string, string> = { 'X-Sdk-Date': formatSdkDate(options.now ?? new Date()) };
  if (options.projectId) added['X-Project-Id'] = options.projectId;
  if (credentials.securityToken) added['X-Security-Token'] = credentials.securityToken;
  // Host is signed but not returned: fetch forbids setting it and derives the same value from the URL
  // (URL.host already omits a default port).
  added.Authorization = await authorization(
    { ...request, url, headers: { ...request.headers, host: url.host, ...added } },
    credentials,
  );
  return added;
}

// Only signed requests can be refused for a skewed clock, so the check travels with the signer.
export { clockOffsetFrom } from './clock-skew.js';
