// Renewal for every provider: fetch a credential, hand it out until shortly before it
// expires, then fetch the next one. Many requests run at once (the CLI polls while it
// downloads, SDK users fan out), so the renewal is shared: however many callers arrive
// while it runs, the source is asked once. Values live in this closure only, never on
// the provider object, so logging or inspecting a provider shows no secret.
import { AbortError, ConfigError } from '../errors.js';
import { CredentialSourceError } from './errors.js';
import { type Credential, type CredentialProvider, DEFAULT_REFRESH_MARGIN_MS } from './types.js';

export interface RefreshOptions {
  /** Where the credential comes from; becomes the provider's `source`. */
  source: string;
  /** Renew this long before `expiresAt` (default 5 minutes). */
  marginMs?: number | undefined;
  now?: (() => number) | undefined;
  /** A credential already fetched (the chain's first look), used until it is due. */
  initial?: Credential | undefined;
  /** How the user gets a new credential, for when the source hands back one the server refused. */
  renewHint: string;
  /** `true` for sources the user configures (options, env, profile): a refusal is theirs to fix. */
  configured?: boolean | undefined;
  warn?: ((message: string) => void) | undefined;
}

/** Compares by value: a source may hand back the refused credential as a new object. */
function fingerprint(c: Credential): string {
  return c.kind === 'token' ? `t\n${c.token}` : `k\n${c.accessKey}\n${c.secretKey}\n${c.securityToken ?? ''}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, source: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(`getting credentials from ${source} was aborted by the caller`));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A provider around `fetchCredential`. A credential with `expiresAt` is renewed `marginMs`
 * before it, or at half its lifetime if that is later (so a source that only ever hands
 * out short-lived credentials is not asked on every call). A renewal that fails while the
 * current credential is still valid falls back to the current one.
 */
export function refreshing(fetchCredential: () => Promise<Credential>, options: RefreshOptions): CredentialProvider {
  const { source } = options;
  const now = options.now ?? Date.now;
  const marginMs = options.marginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const refused = new Set<string>();
  let current: { credential: Credential; renewAt: number; warned: boolean } | undefined;
  let pending: Promise<Credential> | undefined;

  const stale = (message: string) =>
    options.configured ? new ConfigError(message) : new CredentialSourceError('STALE', source, message);

  function adopt(credential: Credential, fetchedAt: number): Credential {
    if (refused.has(fingerprint(credential))) {
      throw stale(
        `${source} gave the credential the server had already refused as expired or invalid: ${options.renewHint}`,
      );
    }
    const { expiresAt } = credential;
    if (expiresAt !== undefined && !(expiresAt > fetchedAt)) {
      throw stale(
        `${source} gave a credential that expired at ${iso(expiresAt)}, but this machine's clock says ${iso(fetchedAt)}: ` +
          'check the clock (e.g. enable NTP), then try again',
      );
    }
    const renewAt =
      expiresAt === undefined
        ? Number.POSITIVE_INFINITY
        : Math.max(expiresAt - marginMs, fetchedAt + (expiresAt - fetchedAt) / 2);
    const frozen = Object.freeze({ ...credential });
    current = { credential: frozen, renewAt, warned: false };
    return frozen;
  }

  if (options.initial) adopt(options.initial, now());

  function renew(): Promise<Credential> {
    if (pending) return pending;
    // Started from a resolved promise so that even a fetchCredential that throws at once
    // settles after `pending` is set, and the next renewal is never blocked by a stale one.
    const attempt = Promise.resolve()
      .then(fetchCredential)
      .then(
        (credential) => {
          pending = undefined;
          return adopt(credential, now());
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
    pending = attempt;
    return attempt;
  }

  return {
    source,
    async get(getOptions = {}) {
      const { signal } = getOptions;
      if (signal?.aborted) throw new AbortError(`getting credentials from ${source} was aborted by the caller`);
      const held = current;
      if (held && now() < held.renewAt) return held.credential;
      try {
        return await raceAbort(renew(), signal, source);
      } catch (error) {
        const expiresAt = held?.credential.expiresAt;
        const stillValid = held !== undefined && held === current && expiresAt !== undefined && now() < expiresAt;
        if (error instanceof AbortError || !stillValid) throw error;
        if (!held.warned) {
          held.warned = true;
          options.warn?.(
            `could not renew the credentials from ${source} ahead of time (${(error as Error).message}); ` +
              `using the current ones, valid until ${iso(expiresAt)}`,
          );
        }
        return held.credential;
      }
    },
    invalidate(credential) {
      if (!current || fingerprint(current.credential) !== fingerprint(credential)) return;
      refused.add(fingerprint(credential));
      current = undefined;
    },
  };
}

/** A credential that cannot be renewed: after the server refuses it, get() says how to replace it. */
export function fixedCredential(
  credential: Credential,
  options: Pick<RefreshOptions, 'source' | 'renewHint'>,
): CredentialProvider {
  return refreshing(async () => credential, { ...options, initial: credential, configured: true });
}
