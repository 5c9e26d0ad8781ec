// @hss-export/mock/scripted: a real node:http server on 127.0.0.1 that answers from a
// script and records every request, for what Prism cannot play: exact fault sequences
// (429 then 503 then 200), stalls, resets, redirects, hostile or malformed answers. The
// SDK's own tests use it; so can yours, to see how your code handles such answers.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One answer: a status with a body (JSON-encoded unless a string or Buffer) and headers,
 * `{ reset: true }` to drop the connection, or a function that answers by hand.
 */
export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: true }
  | ((res: ServerResponse, req: Received) => void);

export interface ScriptedServer {
  url: string;
  received: Received[];
  /** Requests whose path matches the route regex. */
  to(route: string): Received[];
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Serve https with this key and certificate (PEM), e.g. to test redirects from https to http. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** `routes` maps a path regex to the steps answered in order; the last step repeats. */
export async function startScriptedServer(
  routes: Record<string, Step[]>,
  options: ScriptedServerOptions = {},
): Promise<ScriptedServer> {
  const received: Received[] = [];
  const counters = new Map<string, number>();
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(record);
      const path = record.url.split('?')[0]!;
      const route = Object.keys(routes).find((r) => new RegExp(r).test(path));
      if (!route) {
        res.writeHead(599).end('no route in the test script');
        return;
      }
      const steps = routes[route]!;
      const n = counters.get(route) ?? 0;
      counters.set(route, n + 1);
      const step = steps[Math.min(n, steps.length - 1)]!;
      if (typeof step === 'function') return step(res, record);
      if ('reset' in step) return void req.socket.destroy();
      const send = () => {
        const body =
          Buffer.isBuffer(step.body) || typeof step.body === 'string'
            ? step.body
            : step.body === undefined
              ? ''
              : JSON.stringify(step.body);
        res.writeHead(step.status, { 'Content-Type': 'application/json', ...step.headers }).end(body);
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, answer) : createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    to: (route) => received.filter((r) => new RegExp(route).test(r.url.split('?')[0]!)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
