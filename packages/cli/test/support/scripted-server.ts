// A real node:http server on 127.0.0.1 that answers from a script and records every
// request, for what Prism cannot do: failures, throttling, slow or broken downloads.
// (The idea is the client's test/support/scripted-server.ts; test folders don't import
// from each other.)
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
  | ((res: ServerResponse, req: Received) => void);

export interface ScriptedServer {
  url: string;
  received: Received[];
  /** Requests whose path matches the route regex. */
  to(route: string): Received[];
  close(): Promise<void>;
}

export const CREATE = '/container/export-task$';
export const TASK = '/export-task/[^/]+$';
export const DOWNLOAD = '/download/[^/]+$';

/** The smallest valid zip archive: an empty one (end-of-central-directory record only). */
export const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);

export const created = (taskId = 'task-1'): Step => ({
  status: 200,
  body: { task_id: taskId },
  headers: { 'X-Request-Id': 'req-create' },
});
export const running = (taskId = 'task-1'): Step => ({
  status: 200,
  body: { task_id: taskId, task_status: 'running' },
});
export const succeeded = (taskId = 'task-1', fileId = 'file-1'): Step => ({
  status: 200,
  body: {
    task_id: taskId,
    task_name: 'container_export_task',
    task_status: 'success',
    file_id: fileId,
    file_name: 'hss-container-export.zip',
  },
});
export const zipFile = (bytes: Buffer = EMPTY_ZIP): Step => ({
  status: 200,
  body: bytes,
  headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
});
export const apiError = (
  status: number,
  code: string,
  msg: string,
  requestId = `req-${status}`,
  headers: Record<string, string> = {},
): Step => ({
  status,
  body: { error_code: code, error_msg: msg },
  headers: { 'X-Request-Id': requestId, ...headers },
});

/** `routes` maps a path regex to the steps answered in order; the last step repeats. */
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
      const send = () => {
        const body = Buffer.isBuffer(step.body)
          ? step.body
          : typeof step.body === 'string'
            ? step.body
            : step.body === undefined
              ? ''
              : JSON.stringify(step.body);
        res.writeHead(step.status, { 'Content-Type': 'application/json', ...step.headers }).end(body);
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
    to: (route) => received.filter((r) => new RegExp(route).test(r.url.split('?')[0]!)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
