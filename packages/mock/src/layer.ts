// The public side of the mock: a node:http server that forwards every API request to Prism
// on an internal port, after choosing which documented answer Prism gives (Prism's own
// `Prefer: code=…, example=…` request header) from the request's scenario and how many
// calls of that operation its session has made. Prism is stateless; the sequence lives here.
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import {
  type Answer,
  OPERATIONS,
  type OperationId,
  SCENARIOS,
  findScenario,
  unknownScenarioMessage,
} from './scenarios.js';

export const SCENARIO_HEADER = 'x-hss-mock-scenario';
export const SESSION_HEADER = 'x-hss-mock-session';
const SESSION_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const DEFAULT_SESSION = 'default';

/** One request as the session log records it. */
export interface LoggedRequest {
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path and query as Prism saw them, without the /_scenario/<name>/<session> prefix. */
  path: string;
  operation: OperationId | null;
  /** The Prefer header sent to Prism (the scenario's pick, or the request's own). */
  prefer: string | null;
  /** Prism's status code; null while the answer is still on its way, or if Prism did not answer. */
  status: number | null;
}

export interface SessionReport {
  scenario: string;
  session: string;
  /** Requests per operation, including those the log no longer lists. */
  counts: Record<OperationId, number>;
  /** Creates answered with a 2xx: export tasks that exist. */
  tasksCreated: number;
  /** The most recent requests, oldest first (at most `maxLoggedRequests`). */
  requests: LoggedRequest[];
  /** How many older requests were dropped from `requests`. */
  dropped: number;
}

interface Session extends SessionReport {}

export interface LayerOptions {
  /** Prism's internal base URL. */
  prismUrl: string;
  /** Scenario for requests that name none. */
  scenario: string;
  /** Until this settles, requests wait (it rejects: they get a 503 saying why). */
  ready: Promise<void>;
  maxSessions: number;
  maxLoggedRequests: number;
}

const ROUTES: ReadonlyArray<{ method: string; path: RegExp; operation: OperationId }> = [
  { method: 'POST', path: /^\/v5\/[^/]+\/container\/export-task$/, operation: 'createContainerExportTask' },
  { method: 'GET', path: /^\/v5\/[^/]+\/export-task\/[^/]+$/, operation: 'getExportTask' },
  { method: 'GET', path: /^\/v5\/[^/]+\/download\/[^/]+$/, operation: 'downloadExportedFile' },
];

// Hop-by-hop headers and our own selectors are not passed on.
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  SCENARIO_HEADER,
  SESSION_HEADER,
]);

// Typed undefined rather than void so handlers can `return sendJson(...)` to end early.
function sendJson(res: ServerResponse, status: number, body: unknown): undefined {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/** Errors of the mock itself, in the API's error shape so clients show the message. */
function sendError(res: ServerResponse, status: number, code: string, message: string): undefined {
  return sendJson(res, status, { error_code: `HSS_MOCK.${code}`, error_msg: message });
}

interface Route {
  scenario: string;
  session: string;
  /** Path and query to forward or to answer. */
  rest: string;
}

/** Splits off `/_scenario/<name>/<session>`, or reads the selector headers. */
function route(req: IncomingMessage, defaultScenario: string): Route | { error: string } {
  const url = req.url ?? '/';
  if (url === '/_scenario' || url.startsWith('/_scenario/')) {
    const match = /^\/_scenario\/([^/?]+)\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(url);
    if (!match) {
      return {
        error: `a scenario path is /_scenario/<name>/<session>/v5/…; got ${url.split('?')[0]} (use e.g. /_scenario/failure/test-1/v5/<project>/…)`,
      };
    }
    let scenario: string;
    try {
      scenario = decodeURIComponent(match[1]!);
    } catch {
      return { error: `the scenario name in ${url.split('?')[0]} is not valid percent-encoding` };
    }
    return { scenario, session: match[2]!, rest: `${match[3] ?? '/'}${match[4] ?? ''}` };
  }
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    scenario: header(SCENARIO_HEADER) ?? defaultScenario,
    session: header(SESSION_HEADER) ?? DEFAULT_SESSION,
    rest: url,
  };
}

function preferHeader(answer: Answer): string {
  return `code=${answer.code}, example=${answer.example}`;
}

export function createLayer(options: LayerOptions): {
  server: Server;
  /** From now on, API requests get a 503 with this reason (the engine is gone). */
  engineFailed(reason: string): void;
  close(): Promise<void>;
} {
  // Insertion order is age: a session is moved to the end on use, and the first one is evicted.
  const sessions = new Map<string, Session>();
  const agent = new Agent({ keepAlive: true });
  const prism = new URL(options.prismUrl);
  let engineError: unknown;
  options.ready.catch((error) => {
    engineError = error;
  });
  let engineGone: string | undefined;

  function session(scenario: string, id: string, create: boolean): Session | undefined {
    const key = `${scenario}\n${id}`;
    let found = sessions.get(key);
    if (found) {
      sessions.delete(key);
      sessions.set(key, found);
      return found;
    }
    if (!create) return undefined;
    found = {
      scenario,
      session: id,
      counts: Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<OperationId, number>,
      tasksCreated: 0,
      requests: [],
      dropped: 0,
    };
    sessions.set(key, found);
    while (sessions.size > options.maxSessions) sessions.delete(sessions.keys().next().value!);
    return found;
  }

  function control(req: IncomingMessage, res: ServerResponse, where: Route): undefined {
    const path = where.rest.split('?')[0];
    if (path === '/_mock/health' && req.method === 'GET') {
      return sendJson(res, 200, { status: 'ready', scenario: options.scenario });
    }
    if (path === '/_mock/scenarios' && req.method === 'GET') {
      return sendJson(res, 200, { default: options.scenario, scenarios: SCENARIOS });
    }
    if (path === '/_mock/session') {
      if (req.method === 'GET') {
        const found = session(where.scenario, where.session, false);
        if (!found) {
          return sendError(
            res,
            404,
            'UNKNOWN_SESSION',
            `no request of session "${where.session}" with scenario "${where.scenario}" reached this mock (none was sent, or it was evicted: the mock keeps the ${options.maxSessions} most recently used sessions)`,
          );
        }
        return sendJson(res, 200, found);
      }
      if (req.method === 'DELETE') {
        sessions.delete(`${where.scenario}\n${where.session}`);
        res.writeHead(204).end();
        return;
      }
    }
    sendError(
      res,
      404,
      'UNKNOWN_CONTROL',
      `no ${req.method} ${path} on the mock: use GET /_mock/health, GET /_mock/scenarios, GET or DELETE /_mock/session`,
    );
  }

  function forward(req: IncomingMessage, res: ServerResponse, where: Route): undefined {
    if (engineGone !== undefined) return sendError(res, 503, 'ENGINE_EXITED', engineGone);
    const scenario = findScenario(where.scenario);
    if (!scenario) return sendError(res, 400, 'UNKNOWN_SCENARIO', unknownScenarioMessage(where.scenario));
    if (!SESSION_ID.test(where.session)) {
      return sendError(
        res,
        400,
        'BAD_SESSION',
        `session id "${where.session}" must be 1 to 128 letters, digits or . _ ~ - (e.g. a test name or a UUID)`,
      );
    }
    const state = session(scenario.name, where.session, true)!;
    const pathname = where.rest.split('?')[0]!;
    const operation = ROUTES.find((r) => r.method === req.method && r.path.test(pathname))?.operation ?? null;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
    }
    headers.host = prism.host;
    let prefer = typeof req.headers.prefer === 'string' ? req.headers.prefer : null;
    if (operation) {
      const n = state.counts[operation]++;
      const answers = scenario.answers[operation];
      // A request's own Prefer header wins: the caller asked Prism for something specific.
      if (prefer === null) {
        prefer = preferHeader(answers[Math.min(n, answers.length - 1)]!);
        headers.prefer = prefer;
      }
    }
    const entry: LoggedRequest = {
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: where.rest,
      operation,
      prefer,
      status: null,
    };
    state.requests.push(entry);
    if (state.requests.length > options.maxLoggedRequests) {
      state.requests.shift();
      state.dropped++;
    }
    const upstream = request(
      { host: prism.hostname, port: prism.port, method: req.method, path: where.rest, headers, agent },
      (answer) => {
        entry.status = answer.statusCode ?? null;
        if (operation === 'createContainerExportTask' && entry.status !== null && entry.status < 300) {
          state.tasksCreated++;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) return void res.destroy();
      sendError(
        res,
        502,
        'ENGINE_UNAVAILABLE',
        `the Prism engine behind the mock did not answer (${error.message}); it may have crashed: restart the mock, and look at its output for Prism's error`,
      );
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  }

  const server = createServer((req, res) => {
    const where = route(req, options.scenario);
    if ('error' in where) return sendError(res, 400, 'BAD_SCENARIO_PATH', where.error);
    options.ready.then(
      () => {
        if (where.rest.startsWith('/_mock/')) control(req, res, where);
        else forward(req, res, where);
      },
      () =>
        sendError(
          res,
          503,
          'ENGINE_NOT_STARTED',
          `the Prism engine behind the mock did not start: ${String((engineError as Error)?.message ?? engineError)}`,
        ),
    );
  });

  return {
    server,
    engineFailed: (reason) => {
      engineGone = reason;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
