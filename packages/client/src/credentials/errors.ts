// The two errors the credential code adds to errors.ts. Neither carries a cause or a
// response body: a body from IAM or the metadata service may echo what we sent (an ID
// token, a metadata token) or hold the very keys we asked for, so only the status, a
// checked error code and a request ID ever reach a message.
import { ConfigError, HssError } from '../errors.js';

/** What went wrong with a credential source. */
export type CredentialSourceErrorCode =
  /** The connection failed (refused, unreachable, reset). */
  | 'UNREACHABLE'
  /** No complete answer in time. */
  | 'TIMEOUT'
  /** The source refused the request (401/403): the credentials or settings are wrong. */
  | 'REFUSED'
  /** Another unexpected HTTP status. */
  | 'HTTP'
  /** A success answer that did not hold what it should. */
  | 'MALFORMED'
  /** The source handed back a credential that is expired or that the server already refused. */
  | 'STALE';

/** A credential source (IAM, the instance metadata service) failed at run time. */
export class CredentialSourceError extends HssError {
  override name = 'CredentialSourceError';
  readonly code: CredentialSourceErrorCode;
  /** Which source, e.g. "instance metadata"; never a secret. */
  readonly source: string;
  /** The HTTP status, when the source answered. */
  readonly status: number | undefined;
  /** Whether trying again later may succeed (network trouble, 429, 5xx). */
  readonly retryable: boolean;

  constructor(code: CredentialSourceErrorCode, source: string, message: string, status?: number) {
    super(message);
    this.code = code;
    this.source = source;
    this.status = status;
    this.retryable =
      code === 'UNREACHABLE' ||
      code === 'TIMEOUT' ||
      (code === 'HTTP' && status !== undefined && (status === 429 || status >= 500));
  }
}

/** One source the chain looked in, and why it gave nothing. */
export interface ChainAttempt {
  /** The link, e.g. "environment variables". */
  source: string;
  /** Why it gave nothing. */
  reason: string;
}

/** Every source of the chain gave nothing; `attempts` says why, in chain order. */
export class NoCredentialsError extends ConfigError {
  override name = 'NoCredentialsError';
  readonly attempts: readonly ChainAttempt[];

  constructor(attempts: readonly ChainAttempt[], fix: string) {
    const lines = attempts.map((a, i) => `  ${i + 1}. ${a.source}: ${a.reason}`);
    super(`no credentials found; looked in this order:\n${lines.join('\n')}\nTo fix: ${fix}`);
    this.attempts = attempts;
  }
}
