import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digests, nodeCryptoDigests, webCryptoDigests } from '../../src/auth/digests.js';

const FC = { seed: 42, numRuns: 200 };

describe('digests', () => {
  it('Node signs with node:crypto (the fast path), not Web Crypto', () => {
    expect(nodeCryptoDigests).toBeDefined();
    expect(digests).toBe(nodeCryptoDigests);
  });

  // Known answers: FIPS 180-2 (SHA-256 of "abc" and of "") and RFC 4231 test case 2 (HMAC).
  describe.each([
    ['node:crypto', nodeCryptoDigests!],
    ['Web Crypto', webCryptoDigests],
  ])('%s', (_, d) => {
    it('SHA-256 known answers, for strings and bytes', async () => {
      expect(await d.sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(await d.sha256(new Uint8Array([0x61, 0x62, 0x63]))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      expect(await d.sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    });

    it('HMAC-SHA256 known answer', async () => {
      expect(await d.hmacSha256('Jefe', 'what do ya want for nothing?')).toBe(
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      );
    });
  });

  // Browsers only ever run the Web Crypto path, so it must agree with the one Node tests run.
  it('both give the same SHA-256 for any text (UTF-8) or bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array()), async (data) => {
        expect(await webCryptoDigests.sha256(data)).toBe(await nodeCryptoDigests!.sha256(data));
      }),
      FC,
    );
  });

  it('both give the same HMAC-SHA256 for any key and text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'grapheme' }),
        async (key, data) => {
          expect(await webCryptoDigests.hmacSha256(key, data)).toBe(await nodeCryptoDigests!.hmacSha256(key, data));
        },
      ),
      FC,
    );
  });
});
