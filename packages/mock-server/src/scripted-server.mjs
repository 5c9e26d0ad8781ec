// A real node:http server on 127.0.0.1 that answers from a script and records every
// request it receives, for the behaviour Prism cannot script: retry sequences, task status
// progressions, resets, slow, truncated or malformed answers. Each test starts and stops its own.
import { createServer } from 'node:http';

/**
 * `routes` maps a path regex to the steps answered in order; the last step repeats.
 * A step is `{ status, body?, headers?, delayMs? }`, `{ reset: true }` (drop the connection)
 * or a function `(res, received) => void` that answers by hand.
 */
export async function startScriptedServer(routes) {
  const received = [];
  const counters = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const record = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(record);
      const path = record.url.split('?')[0];
      const route = Object.keys(routes).find((r) => new RegExp(r).test(path));
      if (!route) {
        res.writeHead(599).end('no route in the test script');
        return;
      }
      const steps = routes[route];
      const n = counters.get(route) ?? 0;
      counters.set(route, n + 1);
      const step = steps[Math.min(n, steps.length - 1)];
      if (typeof step === 'function') return step(res, record);
      if (step.reset) return void req.socket.destroy();
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
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    to: (route) => received.filter((r) => new RegExp(route).test(r.url.split('?')[0])),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
