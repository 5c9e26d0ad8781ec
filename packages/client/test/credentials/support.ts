// Shared by the credential tests: secret values that look like real ones, a leak check over
// every way an error gets printed, loopback stand-ins for the metadata service and IAM,
// temporary directories and a clock the test moves by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { expect, onTestFinished } from 'vitest';
import { startScriptedServer, type Step } from '@hss-export/mock/scripted';
import type { ServerResponse } from 'node:http';

// Random-looking, so any 8 characters of one can only appear in an output by leaking.
export const AK = 'QX7ZK2M9WT4RB8NP3LVA';
export const SK = 'hV3qZ8nT2wK9rB4xL7mP1sD6fG0jY5cE8uA2iO4k';
export const SECURITY_TOKEN = 'gQkFn2Vh9Zr4Tw8Lx3Mb7Pc1Jd6Ks0Ye5Ua2Ri8Ho4Nf7Gl3Qm9Ev1Bt6Cz0Xs5Wp';
export const TOKEN = 'MIIZxgYJKoZIhvcNAQcCoIIZtzCCGbMCAQExDTALBglghkgBZQMEAgEwghfYBgkqhkiG9w0BBwGg';
export const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvaW52ZW50b3J5In0.c2lnbmF0dXJlWlpaWlo';
export const METADATA_TOKEN = 'mdt-Zr8Lq2Wx5Nc9Tb3Vk7Hs1Jf4Gp6Dm0Ay';
export const SUBJECT_TOKEN = 'MIIaFederatedSubjectTokenQ9w8e7r6t5y4u3i2o1pAsDfGhJkL';

/** Every way an error reaches a log or a terminal. */
export function errorViews(error: unknown): string[] {
  return [
    String(error),
    (error as Error)?.message ?? '',
    (error as Error)?.stack ?? '',
    JSON.stringify(error) ?? '',
    inspect(error, { showHidden: true, depth: 5 }),
  ];
}

/** The secrets (or 8-character pieces of them) that show in any view of `text`. */
export function leakedFrom(views: readonly string[], secrets: readonly string[]): string[] {
  return secrets.filter((secret) => {
    const pieces = new Set<string>([secret]);
    for (let i = 0; i + 8 <= secret.length; i++) pieces.add(secret.slice(i, i + 8));
    return views.some((view) => [...pieces].some((piece) => view.includes(piece)));
  });
}

export const ALL_SECRETS = [AK, SK, SECURITY_TOKEN, TOKEN, ID_TOKEN, METADATA_TOKEN, SUBJECT_TOKEN];

export function expectNoLeak(error: unknown, secrets: readonly string[] = ALL_SECRETS): void {
  expect(leakedFrom(errorViews(error), secrets)).toEqual([]);
}

/** The rejection of a promise that must reject, checked for leaks on the way. */
export async function failureOf(promise: Promise<unknown>, secrets: readonly string[] = ALL_SECRETS): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
  expectNoLeak(error, secrets);
  return error;
}

/** The error `fn` throws (it must throw), checked for leaks. */
export function thrownBy(fn: () => unknown, secrets: readonly string[] = ALL_SECRETS): Error {
  try {
    fn();
  } catch (error) {
    expectNoLeak(error, secrets);
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** A scripted 127.0.0.1 server, stopped when the test ends (also when it fails). */
export async function server(routes: Record<string, Step[]>) {
  const s = await startScriptedServer(routes);
  onTestFinished(() => s.close());
  return s;
}

/** A directory under the system temp dir, removed when the test ends. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hss-creds-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock that moves only when told to. */
export function manualClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

/** An answer that never comes: the server holds the request open until it is closed. */
export const never: Step = () => {};

export const TOKEN_ROUTE = '^/meta-data/latest/api/token$';
export const KEY_ROUTE = '^/openstack/latest/securitykey$';

export function securityKey(expiresAt: number, n = 0) {
  return {
    credential: {
      access: n ? `${AK.slice(0, -1)}${n}` : AK,
      secret: n ? `${SK.slice(0, -1)}${n}` : SK,
      securitytoken: n ? `${SECURITY_TOKEN.slice(0, -1)}${n}` : SECURITY_TOKEN,
      expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  };
}
