// The SHA-256 and HMAC-SHA256 that AK/SK signing needs, as lower-case hex.
// Web Crypto works everywhere, but in Node each call is a thread-pool round trip (~100 µs
// apiece, most of a signed call's overhead; see packages/benchmarks), so Node uses
// node:crypto, which answers synchronously. Both give the same bytes (test/auth/digests.test.ts).

export interface Digests {
  sha256(data: string | Uint8Array): Promise<string>;
  hmacSha256(key: string, data: string): Promise<string>;
}

const utf8 = new TextEncoder();
const hex = (buf: ArrayBuffer): string =>
  Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

export const webCryptoDigests: Digests = {
  // The cast only narrows the type: request bodies are never SharedArrayBuffer views (which Web Crypto refuses).
  async sha256(data) {
    const bytes = typeof data === 'string' ? utf8.encode(data) : (data as Uint8Array<ArrayBuffer>);
    return hex(await crypto.subtle.digest('SHA-256', bytes));
  },
  async hmacSha256(key, data) {
    const cryptoKey = await crypto.subtle.importKey('raw', utf8.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return hex(await crypto.subtle.sign('HMAC', cryptoKey, utf8.encode(data)));
  },
};

interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string | Uint8Array): { digest(encoding: 'hex'): string } };
  createHmac(algorithm: 'sha256', key: string): { update(data: string): { digest(encoding: 'hex'): string } };
}

// getBuiltinModule (Node >= 20.16) needs no import statement, so browser bundlers never try
// to resolve node:crypto; elsewhere it is simply absent.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** node:crypto's digests, or undefined outside Node. */
export const nodeCryptoDigests: Digests | undefined = nodeCrypto && {
  async sha256(data) {
    return nodeCrypto.createHash('sha256').update(data).digest('hex');
  },
  async hmacSha256(key, data) {
    return nodeCrypto.createHmac('sha256', key).update(data).digest('hex');
  },
};

export const digests: Digests = nodeCryptoDigests ?? webCryptoDigests;
