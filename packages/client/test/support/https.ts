// An https server on 127.0.0.1 with a certificate made for this run, and a fetch that
// trusts that certificate alone. Node cannot make a certificate by itself and a user's
// machine may lack openssl, so `selfsigned` (pure JS) makes it.
import type { ServerResponse } from 'node:http';
import { type Received, type ScriptedServer, startScriptedServer } from '@hss-export/mock/scripted';
import { generate } from 'selfsigned';
import { Agent, fetch as undiciFetch } from 'undici';
import { onTestFinished } from 'vitest';

let pems: { key: string; cert: string } | undefined;

/** A self-signed certificate for the IP address 127.0.0.1, made once per test file. */
export function certificate(): { key: string; cert: string } {
  pems ??= (() => {
    const made = generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      // OpenSSL 3 refuses SHA-1 signatures, selfsigned's default.
      algorithm: 'sha256',
      days: 1,
      // Type 7: an IP address; the client connects to 127.0.0.1, not to a name.
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    return { key: made.private, cert: made.cert };
  })();
  return pems;
}

/** A fetch (undici's) that trusts only that certificate; its connections end with the test. */
export function trustingFetch(): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { ca: certificate().cert } });
  // destroy, not close: close would wait for a request a stalled server never answers.
  onTestFinished(() => dispatcher.destroy());
  return ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
}

/**
 * A scripted https server on 127.0.0.1 that records every request and answers each with
 * `handler`; it stops after the test, also when the test fails.
 */
export async function startHttpsServer(handler: (res: ServerResponse, req: Received) => void): Promise<ScriptedServer> {
  const server = await startScriptedServer({ '^': [handler] }, { tls: certificate() });
  onTestFinished(() => server.close());
  return server;
}
