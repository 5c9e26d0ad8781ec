// The gateway refuses an AK/SK signature whose X-Sdk-Date is more than 15 minutes from its own
// clock, with the same APIGW.0301 it uses for a wrong key (spec/api-facts.md). A laptop or VM with
// a drifting clock would then fail every call with a misleading "signature" error. Its answer's
// Date header tells us the gateway's time, so the client can sign with that instead, as the AWS
// SDKs do with their systemClockOffset.

/** The gateway's window, less a minute for Date's one-second resolution and the round trip. */
export const SKEW_LIMIT_MS = 14 * 60_000;

export interface SkewEvidence {
  status: number;
  errorCode: string | undefined;
  /** The answer's Date header, if any (browsers hide it from cross-origin callers). */
  date: string | null;
  /** The X-Sdk-Date the rejected request was signed with, in ms since the epoch. */
  signedAtMs: number;
  /** Our clock when the answer arrived. */
  receivedAtMs: number;
}

/**
 * The offset (gateway clock minus ours, in ms) to sign with from now on, when this failure
 * shows that the signing time, not the key, was wrong; otherwise undefined.
 */
export function clockOffsetFrom(e: SkewEvidence): number | undefined {
  if (e.status !== 401 || e.errorCode !== 'APIGW.0301' || !e.date) return undefined;
  const gatewayMs = Date.parse(e.date);
  if (Number.isNaN(gatewayMs)) return undefined;
  // Within the window the date was acceptable, so the key or signature itself is wrong.
  if (Math.abs(gatewayMs - e.signedAtMs) <= SKEW_LIMIT_MS) return undefined;
  return gatewayMs - e.receivedAtMs;
}
