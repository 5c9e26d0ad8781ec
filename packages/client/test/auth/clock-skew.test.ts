import { describe, expect, it } from 'vitest';
import { clockOffsetFrom, SKEW_LIMIT_MS } from '../../src/auth/clock-skew.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;
const refused = (gatewayMs: number, over: Partial<Parameters<typeof clockOffsetFrom>[0]> = {}) =>
  clockOffsetFrom({
    status: 401,
    errorCode: 'APIGW.0301',
    date: new Date(gatewayMs).toUTCString(),
    signedAtMs: NOW,
    receivedAtMs: NOW + 200,
    ...over,
  });

describe('clockOffsetFrom', () => {
  it("a refused signature from a gateway an hour ahead: sign with the gateway's clock", () => {
    expect(refused(NOW + HOUR)).toBe(HOUR - 200);
  });

  it('works for a clock that runs ahead too', () => {
    expect(refused(NOW - HOUR)).toBe(-HOUR - 200);
  });

  it('a date inside the 15-minute window was acceptable: the key is wrong, not the clock', () => {
    expect(refused(NOW)).toBeUndefined();
    expect(refused(NOW + SKEW_LIMIT_MS)).toBeUndefined();
    expect(refused(NOW + SKEW_LIMIT_MS + 1000)).toBe(SKEW_LIMIT_MS + 800);
  });

  it('only APIGW.0301 with HTTP 401 counts', () => {
    expect(refused(NOW + HOUR, { errorCode: 'APIGW.0307' })).toBeUndefined();
    expect(refused(NOW + HOUR, { errorCode: undefined })).toBeUndefined();
    expect(refused(NOW + HOUR, { status: 403 })).toBeUndefined();
  });

  it('no usable Date header, no correction', () => {
    expect(refused(NOW + HOUR, { date: null })).toBeUndefined();
    expect(refused(NOW + HOUR, { date: 'yesterday-ish' })).toBeUndefined();
  });
});
