// startMock: the scenario layer on the public port, Prism behind it on an internal one.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLayer, type SessionReport } from './layer.js';
import { freePort, type RunningPrism, startPrism } from './prism.js';
import { scenarioOrThrow } from './scenarios.js';

export interface StartMockOptions {
  /** Public port; default 0, a free one (the URL says which). */
  port?: number;
  /** Public host; default 127.0.0.1. Prism itself always listens on 127.0.0.1 only. */
  host?: string;
  /** Scenario for requests whose URL names none (default `default`). */
  scenario?: string;
  /** Aborting while the mock is starting stops it and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Receives Prism's output line by line (warn level: request validation problems, errors). */
  log?: (line: string) => void;
  /** Default: the spec bundled with this package. */
  spec?: string;
  /** Sessions remembered at once; the least recently used is forgotten first (default 1000). */
  maxSessions?: number;
  /** Requests each session's log keeps, newest last (default 200; counts keep counting). */
  maxLoggedRequests?: number;
  /** How long Prism may take to start (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningMock {
  /** The mock's base URL, e.g. http://127.0.0.1:4010: the client's `endpoint`. */
  url: string;
  port: number;
  /** The scenario requests get when their URL names none. */
  scenario: string;
  /** Prism itself, without the scenario layer (for debugging). */
  prismUrl: string;
  /** An endpoint URL that plays `scenario` in its own session (a fresh one unless given). */
  scenarioUrl(scenario: string, session?: string): string;
  /** Settles if Prism exits before stop() (a crash), with the reason; API requests then get a 503 saying it. */
  crashed: Promise<Error>;
  stop(): Promise<void>;
}

function check(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new RangeError(`startMock: ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/**
 * An endpoint URL on the mock at `mockUrl` that plays `scenario` in session `session`
 * (default: a fresh random one, so parallel tests never share state).
 */
export function scenarioUrl(mockUrl: string, scenario: string, session: string = randomUUID()): string {
  scenarioOrThrow(scenario);
  return `${mockUrl.replace(/\/+$/, '')}/_scenario/${encodeURIComponent(scenario)}/${encodeURIComponent(session)}`;
}

/** What the mock recorded for the session behind `endpoint` (a URL from scenarioUrl, or the mock's own URL). */
export async function readSession(endpoint: string): Promise<SessionReport> {
  const url = `${endpoint.replace(/\/+$/, '')}/_mock/session`;
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = JSON.parse(text).error_msg ?? text;
    } catch {}
    throw new Error(`readSession: GET ${url} answered ${res.status}: ${message}`);
  }
  return JSON.parse(text) as SessionReport;
}

export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { signal } = options;
  signal?.throwIfAborted();
  check('port', options.port, 0, 65535);
  check('maxSessions', options.maxSessions, 1, 1_000_000);
  check('maxLoggedRequests', options.maxLoggedRequests, 0, 1_000_000);
  const scenario = scenarioOrThrow(options.scenario ?? 'default').name;
  const host = options.host ?? '127.0.0.1';

  let markReady!: () => void;
  let markFailed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => {});
  const prismPort = await freePort();
  const layer = createLayer({
    prismUrl: `http://127.0.0.1:${prismPort}`,
    scenario,
    ready,
    maxSessions: options.maxSessions ?? 1000,
    maxLoggedRequests: options.maxLoggedRequests ?? 200,
  });
  // The public port is taken first, so a port in use fails at once rather than after Prism's
  // start-up; requests that arrive meanwhile wait for Prism instead of being refused.
  await new Promise<void>((resolve, reject) => {
    layer.server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} on ${host} is already in use: pass another port (0 picks a free one), or stop what is using it`,
            )
          : new Error(`the mock could not listen on ${host}:${options.port ?? 0}: ${error.message}`),
      );
    });
    layer.server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = layer.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let prism: RunningPrism;
  try {
    prism = await startPrism({
      port: prismPort,
      ...(options.spec ? { spec: options.spec } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    markFailed(error);
    await layer.close();
    throw error;
  }
  markReady();

  let stopped: Promise<void> | undefined;
  const crashed = new Promise<Error>((resolveCrash) => {
    prism.exited.then((code) => {
      if (stopped) return;
      const error = new Error(
        `Prism, the engine behind the mock at ${url}, exited unexpectedly (exit code ${code}); restart the mock, and look above for Prism's own error`,
      );
      layer.engineFailed(error.message);
      resolveCrash(error);
    });
  });
  return {
    url,
    port,
    scenario,
    prismUrl: prism.url,
    scenarioUrl: (name, session) => scenarioUrl(url, name, session),
    crashed,
    stop: () => {
      stopped ??= Promise.all([layer.close(), prism.stop()]).then(() => {});
      return stopped;
    },
  };
}
