// The two IAM calls the chain needs: finding the project ID for a region (signed with the
// AK/SK at hand, as Huawei's SDKs do when none is configured), and exchanging an OIDC ID
// token for an IAM token (federation, e.g. a CI system's workload identity).
import { signedHeaders } from '../auth/signer.js';
import { ConfigError } from '../errors.js';
import { isSafeEndpoint } from './endpoint.js';
import { CredentialSourceError } from './errors.js';
import { answerIds, type SourceAnswer, sendToSource } from './http.js';
import type { AkSkCredential, TokenCredential } from './types.js';

/** IAM answers in well under a second; the facts give no figure, so this leaves room for a slow network. */
export const IAM_TIMEOUT_MS = 10_000;

export interface IamCall {
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  now?: (() => number) | undefined;
}

function iamUrl(iamEndpoint: string, path: string): string {
  const url = new URL(`${iamEndpoint.replace(/\/+$/, '')}${path}`);
  // Checked here too, not only where settings are read: this is where keys and tokens leave.
  if (!isSafeEndpoint(url)) {
    throw new ConfigError(
      `the IAM endpoint must use https:// (plain http only for 127.0.0.1/localhost), got ${url.origin}`,
    );
  }
  return url.href;
}

function failure(source: string, what: string, answer: SourceAnswer, advice: string): CredentialSourceError {
  const refused = answer.status === 401 || answer.status === 403;
  return new CredentialSourceError(
    refused ? 'REFUSED' : 'HTTP',
    source,
    `${source}: ${what} failed with HTTP ${answer.status}${answerIds(answer)}${refused ? `; ${advice}` : ''}`,
    answer.status,
  );
}

function parseJson(answer: SourceAnswer): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    return undefined;
  }
}

const PROJECTS_SOURCE = 'IAM project lookup';
const PROJECT_SETTINGS =
  'pass projectId, set HUAWEICLOUD_SDK_PROJECT_ID, or add project_id to [basic] in the profile file';

/** The ID of the one project IAM lists under the region's name, else a ConfigError listing what it found. */
export async function discoverProjectId(
  args: IamCall & { iamEndpoint: string; region: string; credential: AkSkCredential },
): Promise<string> {
  const url = iamUrl(args.iamEndpoint, `/v3/projects?name=${encodeURIComponent(args.region)}`);
  const now = args.now ?? Date.now;
  const headers = await signedHeaders({ method: 'GET', url, headers: {} }, args.credential, { now: new Date(now()) });
  const what = `GET /v3/projects?name=${args.region}`;
  const answer = await sendToSource({
    fetch: args.fetch,
    url,
    init: { method: 'GET', headers },
    source: PROJECTS_SOURCE,
    what,
    timeoutMs: args.timeoutMs ?? IAM_TIMEOUT_MS,
    signal: args.signal,
  });
  if (answer.status !== 200) {
    throw failure(
      PROJECTS_SOURCE,
      what,
      answer,
      `the access key may be wrong or not allowed to list IAM projects; ${PROJECT_SETTINGS}`,
    );
  }
  const projects = (parseJson(answer) as { projects?: unknown } | undefined)?.projects;
  const valid =
    Array.isArray(projects) &&
    projects.every((p) => typeof p?.id === 'string' && p.id && (p.name === undefined || typeof p.name === 'string'));
  if (!valid) {
    throw new CredentialSourceError(
      'MALFORMED',
      PROJECTS_SOURCE,
      `${PROJECTS_SOURCE}: ${what} answered 200 without a readable "projects" list${answerIds(answer)}; ${PROJECT_SETTINGS}`,
      200,
    );
  }
  const found = projects as Array<{ id: string; name?: string }>;
  if (found.length === 1) return found[0]!.id;
  if (found.length === 0) {
    throw new ConfigError(
      `IAM lists no project named "${args.region}" for these credentials, so the project ID cannot be found: ` +
        `check the region, or ${PROJECT_SETTINGS}`,
    );
  }
  const listed = found.map((p) => `${p.id} (${p.name ?? 'no name'})`).join(', ');
  throw new ConfigError(
    `IAM lists ${found.length} projects named "${args.region}": ${listed}. Choose one: ${PROJECT_SETTINGS}`,
  );
}

const EXCHANGE_SOURCE = 'IAM ID-token exchange';

/** An IAM token for an OIDC ID token, scoped to `projectId`. */
export async function exchangeIdToken(
  args: IamCall & { iamEndpoint: string; idpId: string; idToken: string; projectId: string },
): Promise<TokenCredential> {
  const url = iamUrl(args.iamEndpoint, '/v3.0/OS-AUTH/id-token/tokens');
  const what = 'POST /v3.0/OS-AUTH/id-token/tokens';
  const body = JSON.stringify({
    auth: { id_token: { id: args.idToken }, scope: { project: { id: args.projectId } } },
  });
  const answer = await sendToSource({
    fetch: args.fetch,
    url,
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Idp-Id': args.idpId },
      body,
    },
    source: EXCHANGE_SOURCE,
    what,
    timeoutMs: args.timeoutMs ?? IAM_TIMEOUT_MS,
    signal: args.signal,
  });
  if (answer.status < 200 || answer.status > 299) {
    throw failure(
      EXCHANGE_SOURCE,
      what,
      answer,
      'check the identity provider ID, that its protocol trusts this ID token (issuer, audience, expiry), ' +
        'that its mapping rules admit the token, and that the project ID is right',
    );
  }
  const token = answer.headers.get('X-Subject-Token');
  const expiresText = (parseJson(answer) as { token?: { expires_at?: unknown } } | undefined)?.token?.expires_at;
  const expiresAt = typeof expiresText === 'string' ? Date.parse(expiresText) : Number.NaN;
  if (!token || Number.isNaN(expiresAt)) {
    const missing = !token ? 'the X-Subject-Token header' : 'a readable token.expires_at';
    throw new CredentialSourceError(
      'MALFORMED',
      EXCHANGE_SOURCE,
      `${EXCHANGE_SOURCE}: ${what} answered ${answer.status} without ${missing}${answerIds(answer)}`,
      answer.status,
    );
  }
  return { kind: 'token', token, expiresAt };
}
