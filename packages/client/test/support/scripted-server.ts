// A real node:http server on 127.0.0.1 that answers from a script and records every
// request it receives, for the behaviour Prism cannot script (retry sequences, status
// progressions, resets, slow or malformed answers). Each test starts and stops its own.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: true }
  | ((res: ServerResponse, req: Received) => void);

export interface ScriptedServer {
  url: string;
  received: Received[];
  /** Requests whose path ends with the given suffix. */
  to(pathSuffix: string): Received[];
  close(): Promise<void>;
}

/**
 * `routes` maps a path regex source to the steps answered in order; the last step repeats.
 */
export async function startScriptedServer(routes: Record<string, Step[]>): Promise<ScriptedServer> {
  const received: Received[] = [];
  const counters = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = {
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
        const text =
          typeof step.body === 'string' ? step.body : step.body === undefined ? '' : JSON.stringify(step.body);
        res.writeHead(step.status, { 'Content-Type': 'application/json', ...step.headers }).end(text);
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    to: (suffix) => received.filter((r) => r.url.split('?')[0]!.endsWith(suffix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
