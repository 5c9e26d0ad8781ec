import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigError } from '../../src/errors.js';
import { CredentialSourceError } from '../../src/credentials/errors.js';
import { fixedCredential, refreshing } from '../../src/credentials/refresh.js';
import type { AkSkCredential, Credential } from '../../src/credentials/types.js';
import { AK, ALL_SECRETS, failureOf, leakedFrom, manualClock, SECURITY_TOKEN, SK, TOKEN } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A source that hands out numbered temporary keys valid for `lifetimeMs`, counting its calls. */
function source(clock: { now(): number }, lifetimeMs = HOUR) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    fetch: async (): Promise<Credential> => {
      calls++;
      return {
        kind: 'aksk',
        accessKey: `${AK}-${calls}`,
        secretKey: SK,
        securityToken: SECURITY_TOKEN,
        expiresAt: clock.now() + lifetimeMs,
      };
    },
  };
}

describe('refreshing', () => {
  it('hands out the same credential until the margin before expiry, then renews it', async () => {
    const clock = manualClock();
    const s = source(clock);
    const provider = refreshing(s.fetch, { source: 'test', now: clock.now, renewHint: 'n/a' });
    const first = (await provider.get()) as AkSkCredential;
    expect(first.accessKey).toBe(`${AK}-1`);
    clock.advance(HOUR - 5 * MIN - 1);
    expect(await provider.get()).toBe(first);
    clock.advance(1);
    expect(((await provider.get()) as AkSkCredential).accessKey).toBe(`${AK}-2`);
    expect(s.calls).toBe(2);
  });

  it('honours a custom margin', async () => {
    const clock = manualClock();
    const s = source(clock);
    const provider = refreshing(s.fetch, { source: 'test', now: clock.now, marginMs: 20 * MIN, renewHint: 'n/a' });
    await provider.get();
    clock.advance(HOUR - 20 * MIN);
    await provider.get();
    expect(s.calls).toBe(2);
  });

  it('50 concurrent callers inside the margin cause exactly one renewal, and all get the new credential', async () => {
    const clock = manualClock();
    let calls = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const provider = refreshing(
      async () => {
        calls++;
        if (calls > 1) await released;
        return { kind: 'token', token: `${TOKEN}-${calls}`, expiresAt: clock.now() + HOUR };
      },
      { source: 'test', now: clock.now, renewHint: 'n/a' },
    );
    await provider.get();
    clock.advance(HOUR - MIN);
    const all = Array.from({ length: 50 }, () => provider.get());
    release();
    const got = await Promise.all(all);
    expect(calls).toBe(2);
    expect(new Set(got.map((c) => (c as { token: string }).token))).toEqual(new Set([`${TOKEN}-2`]));
  });

  it('renews at half the lifetime when that is later than the margin (no renewal on every call)', async () => {
    const clock = manualClock();
    const s = source(clock, 4 * MIN);
    const provider = refreshing(s.fetch, { source: 'test', now: clock.now, renewHint: 'n/a' });
    await provider.get();
    await provider.get();
    clock.advance(2 * MIN - 1);
    await provider.get();
    expect(s.calls).toBe(1);
    clock.advance(1);
    await provider.get();
    expect(s.calls).toBe(2);
  });

  it('a credential that has already expired when fetched is an error that points at the clock', async () => {
    const clock = manualClock();
    const provider = refreshing(
      async () => ({
        kind: 'aksk',
        accessKey: AK,
        secretKey: SK,
        securityToken: SECURITY_TOKEN,
        expiresAt: clock.now(),
      }),
      { source: 'instance metadata', now: clock.now, renewHint: 'n/a' },
    );
    const error = await failureOf(provider.get());
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect((error as CredentialSourceError).code).toBe('STALE');
    expect(error.message).toMatch(/expired at .*clock says.*check the clock/);
  });

  it('invalidate: the next get() renews once for all concurrent callers and never returns the refused one', async () => {
    const clock = manualClock();
    const s = source(clock);
    const provider = refreshing(s.fetch, { source: 'test', now: clock.now, renewHint: 'n/a' });
    const refusedOne = await provider.get();
    // Fifty requests were refused at once; each reports it.
    for (let i = 0; i < 50; i++) provider.invalidate(refusedOne);
    const got = await Promise.all(Array.from({ length: 50 }, () => provider.get()));
    expect(s.calls).toBe(2);
    for (const c of got) expect((c as AkSkCredential).accessKey).toBe(`${AK}-2`);
    // A late report about the old credential must not throw away the new one.
    provider.invalidate(refusedOne);
    await provider.get();
    expect(s.calls).toBe(2);
  });

  it('invalidate compares by value: a copy of the current credential counts', async () => {
    const clock = manualClock();
    const s = source(clock);
    const provider = refreshing(s.fetch, { source: 'test', now: clock.now, renewHint: 'n/a' });
    provider.invalidate({ ...(await provider.get()) });
    await provider.get();
    expect(s.calls).toBe(2);
  });

  it('a source that hands back the refused credential gets an error with the hint, not the credential', async () => {
    const fixed: Credential = { kind: 'aksk', accessKey: AK, secretKey: SK, securityToken: SECURITY_TOKEN };
    const provider = refreshing(async () => ({ ...fixed }), {
      source: 'instance metadata',
      renewHint: 'check the agency',
    });
    provider.invalidate(await provider.get());
    const error = await failureOf(provider.get());
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect((error as CredentialSourceError).code).toBe('STALE');
    expect(error.message).toMatch(
      /instance metadata gave the credential the server had already refused.*check the agency/,
    );
  });

  it('a renewal ahead of expiry that fails falls back to the still-valid credential, and warns once', async () => {
    const clock = manualClock();
    let calls = 0;
    const warnings: string[] = [];
    const provider = refreshing(
      async () => {
        calls++;
        if (calls > 1) throw new CredentialSourceError('TIMEOUT', 'test', 'test: no answer within 3000 ms');
        return { kind: 'token', token: TOKEN, expiresAt: clock.now() + HOUR };
      },
      { source: 'test', now: clock.now, renewHint: 'n/a', warn: (m) => warnings.push(m) },
    );
    const first = await provider.get();
    clock.advance(HOUR - MIN);
    expect(await provider.get()).toBe(first);
    expect(await provider.get()).toBe(first);
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not renew the credentials from test ahead of time.*valid until/);
    expect(leakedFrom(warnings, ALL_SECRETS)).toEqual([]);
    // Once it has expired there is nothing to fall back on.
    clock.advance(MIN);
    expect(await failureOf(provider.get())).toBeInstanceOf(CredentialSourceError);
  });

  it('a failed renewal is not kept: the next get() asks again', async () => {
    let calls = 0;
    const provider = refreshing(
      async () => {
        calls++;
        if (calls === 1) throw new CredentialSourceError('UNREACHABLE', 'test', 'test: could not reach');
        return { kind: 'token', token: TOKEN };
      },
      { source: 'test', renewHint: 'n/a' },
    );
    await failureOf(provider.get());
    await expect(provider.get()).resolves.toMatchObject({ token: TOKEN });
    expect(calls).toBe(2);
  });

  it('a fetch that throws synchronously does not block later renewals', async () => {
    let calls = 0;
    const provider = refreshing(
      (() => {
        calls++;
        if (calls === 1) throw new ConfigError('first fails at once');
        return Promise.resolve({ kind: 'token', token: TOKEN });
      }) as () => Promise<Credential>,
      { source: 'test', renewHint: 'n/a' },
    );
    expect(await failureOf(provider.get())).toBeInstanceOf(ConfigError);
    await expect(provider.get()).resolves.toMatchObject({ token: TOKEN });
  });

  it("one caller's abort rejects only that caller; the shared renewal carries on for the others", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const provider = refreshing(
      async () => {
        calls++;
        await released;
        return { kind: 'token', token: TOKEN };
      },
      { source: 'test', renewHint: 'n/a' },
    );
    const controller = new AbortController();
    const aborted = provider.get({ signal: controller.signal });
    const patient = provider.get();
    controller.abort();
    expect(await failureOf(aborted)).toBeInstanceOf(AbortError);
    release();
    await expect(patient).resolves.toMatchObject({ token: TOKEN });
    expect(calls).toBe(1);
    expect(await failureOf(provider.get({ signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
  });

  it('hands out frozen credentials, and a provider shows no secret when inspected', async () => {
    const provider = refreshing(async () => ({ kind: 'aksk', accessKey: AK, secretKey: SK }), {
      source: 'test',
      renewHint: 'n/a',
    });
    const c = await provider.get();
    expect(Object.isFrozen(c)).toBe(true);
    const shown = `${inspect(provider, { showHidden: true, depth: 5 })}${JSON.stringify(provider)}`;
    expect(shown).not.toContain(AK);
    expect(shown).not.toContain(SK);
  });
});

describe('fixedCredential', () => {
  it('returns its credential; once refused, get() throws a ConfigError that says how to replace it', async () => {
    const provider = fixedCredential(
      { kind: 'token', token: TOKEN },
      { source: 'environment (HSS_EXPORT_TOKEN)', renewHint: 'set HSS_EXPORT_TOKEN to a new token' },
    );
    const c = await provider.get();
    expect(c).toEqual({ kind: 'token', token: TOKEN });
    provider.invalidate(c);
    const error = await failureOf(provider.get());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /environment \(HSS_EXPORT_TOKEN\) gave the credential .* set HSS_EXPORT_TOKEN to a new token/,
    );
  });
});
