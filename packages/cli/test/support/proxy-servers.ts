// The servers the proxy tests put around the CLI, all on 127.0.0.1: a forward proxy
// (CONNECT tunnels and absolute-form requests) that records what it was asked and which
// sockets it opened, and an API server (https with a certificate made at test time, or
// plain http) that records which socket each request came in on, so a test can tell
// whether a request came through the proxy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { Step } from './scripted-server.js';

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  certPath: string;
  remove(): void;
}

/**
 * A self-signed certificate for IP 127.0.0.1, valid for a day. Node cannot make one and a
 * machine may lack openssl, so `selfsigned` (pure JS) does.
 */
export function makeCertificate(): Certificate {
  const made = generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    // OpenSSL 3 refuses selfsigned's default SHA-1 signature.
    algorithm: 'sha256',
    days: 1,
    // Type 7: an IP address, since the CLI connects to 127.0.0.1, not to a name.
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'hss-cli-cert-'));
  const certPath = join(dir, 'cert.pem');
  writeFileSync(certPath, made.cert);
  return {
    key: made.private,
    cert: made.cert,
    certPath,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Closes a server and every connection into it, tunnels included. */
function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export interface ApiRequest {
  method: string;
  url: string;
  /** The client side of the connection: a proxy's outgoing socket if it came through one. */
  remotePort: number;
}

export interface ApiServer {
  url: string;
  port: number;
  received: ApiRequest[];
  close(): Promise<void>;
}

/** Answers from `routes` (path regex -> steps, the last step repeats), like the scripted server. */
export async function startApi(routes: Record<string, Step[]>, tls?: Certificate): Promise<ApiServer> {
  const received: ApiRequest[] = [];
  const counters = new Map<string, number>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      received.push({ method: req.method ?? '', url, remotePort: req.socket.remotePort ?? 0 });
      const path = url.split('?')[0]!;
      const route = Object.keys(routes).find((r) => new RegExp(r).test(path));
      if (!route) return void res.writeHead(599).end('no route in the test script');
      const n = counters.get(route) ?? 0;
      counters.set(route, n + 1);
      const step = routes[route]![Math.min(n, routes[route]!.length - 1)]!;
      if (typeof step === 'function' || 'reset' in step) throw new Error('startApi answers plain steps only');
      const body = Buffer.isBuffer(step.body) || typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      res.writeHead(step.status, { 'Content-Type': 'application/json', ...step.headers }).end(body);
    });
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createServer(handler);
  const close = closer(server, new Set());
  const port = await listen(server);
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, received, close };
}

export interface ProxyServer {
  port: number;
  /** CONNECT requests: the target as asked (host:port) and the Proxy-Authorization sent. */
  connects: { target: string; authorization: string | undefined }[];
  /** Absolute-form requests (plain http through the proxy). */
  requests: { method: string; url: string; authorization: string | undefined }[];
  /** Local ports of the connections the proxy opened to targets. */
  upstreamPorts: Set<number>;
  close(): Promise<void>;
}

/**
 * A forward proxy. With `credentials`, anything without the matching Basic
 * Proxy-Authorization gets 407. It only connects to 127.0.0.1.
 */
export async function startProxy(credentials?: { user: string; password: string }): Promise<ProxyServer> {
  const expected = credentials
    ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`
    : undefined;
  const authorized = (req: IncomingMessage) => !expected || req.headers['proxy-authorization'] === expected;
  const connects: ProxyServer['connects'] = [];
  const requests: ProxyServer['requests'] = [];
  const upstreamPorts = new Set<number>();
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers['proxy-authorization'] });
    if (!authorized(req)) return void res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' }).end();
    const target = URL.canParse(req.url ?? '') ? new URL(req.url!) : undefined;
    if (target?.hostname !== '127.0.0.1') return void res.writeHead(403).end('127.0.0.1 only');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: target.pathname + target.search,
        headers,
        // A fresh connection per request, so upstreamPorts records every one.
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('socket', (socket) => socket.once('connect', () => upstreamPorts.add(socket.localPort!)));
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    track(client);
    client.on('error', () => {});
    const target = req.url ?? '';
    connects.push({ target, authorization: req.headers['proxy-authorization'] });
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const match = /^127\.0\.0\.1:(\d+)$/.exec(target);
    if (!match) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(Number(match[1]), '127.0.0.1', () => {
      upstreamPorts.add(upstream.localPort!);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });

  const close = closer(server, sockets);
  const port = await listen(server);
  return { port, connects, requests, upstreamPorts, close };
}

/** A port nothing listens on (just closed), for "the proxy is down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
