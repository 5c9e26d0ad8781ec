import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  authorization,
  canonicalQueryString,
  canonicalUri,
  formatSdkDate,
  signedHeaders,
  type SignableRequest,
} from '../../src/auth/signer.js';

const CREDS = { accessKey: 'AccessKey', secretKey: 'SecretKey' };
const FC = { seed: 42, numRuns: 100 };

const signatureOf = (auth: string): string => {
  const match = /, Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match?.[1]) throw new Error(`no signature in ${auth}`);
  return match[1];
};
const signedHeadersOf = (auth: string): string => /SignedHeaders=([^,]*),/.exec(auth)?.[1] ?? '';

describe('published test vectors (the Go and Python SDK signer tests)', () => {
  it('V2 (Go SDK): underscore header ignored, no host signed', async () => {
    const auth = await authorization(
      {
        method: 'GET',
        url: 'https://example.huaweicloud.com/path?limit=1',
        headers: { 'X-Sdk-Date': '20060102T150405Z', TEST_UNDERSCORE: 'TEST_VALUE' },
      },
      CREDS,
    );
    expect(auth).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
  });

  it('V4 (Python SDK): Host supplied explicitly is signed', async () => {
    const auth = await authorization(
      {
        method: 'GET',
        url: new URL('https://service.endpoint.myhuaweicloud.com/resources?size=1'),
        headers: {
          'X-Sdk-Date': '20200608T023900Z',
          TEST_UNDERSCORE: 'TEST_VALUE',
          Host: 'service.endpoint.myhuaweicloud.com',
        },
        body: '',
      },
      CREDS,
    );
    expect(signedHeadersOf(auth)).toBe('host;x-sdk-date');
    expect(signatureOf(auth)).toBe('cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842');
  });

  it('V4 via signedHeaders(): host derived from the URL gives the same signature', async () => {
    const added = await signedHeaders(
      { method: 'GET', url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1', headers: {} },
      CREDS,
      { now: new Date(Date.UTC(2020, 5, 8, 2, 39, 0)) },
    );
    expect(added['X-Sdk-Date']).toBe('20200608T023900Z');
    expect(added.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842',
    );
  });

  it('V6: canonical query string', () => {
    const params = new URLSearchParams();
    params.append('limit', '1');
    params.append('enable', 'true');
    params.append('test', '一 (&=?!#%.*)');
    params.append('path', '/tmp/123');
    for (const v of ['1', '2', '3']) params.append('multi', v);
    const url = new URL(`https://example.huaweicloud.com/path?${params}`);
    expect(canonicalQueryString(url)).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29',
    );
  });
});

describe('canonicalQueryString', () => {
  it('sorts multi-values, keeps "=" for empty values, sorts by char code (uppercase first)', () => {
    const url = new URL('https://h/?multi=3&b=&multi=1&a=x&B=y&multi=2&flag');
    expect(canonicalQueryString(url)).toBe('B=y&a=x&b=&flag=&multi=1&multi=2&multi=3');
  });

  it('is empty without a query, keeps unreserved characters and uses %20 for space', () => {
    expect(canonicalQueryString(new URL('https://h/p'))).toBe('');
    const url = new URL('https://h/');
    url.searchParams.set('k~-_.', "a b+c~!'()*");
    expect(canonicalQueryString(url)).toBe('k~-_.=a%20b%2Bc~%21%27%28%29%2A');
  });
});

describe('canonicalUri', () => {
  it('always ends with "/"', () => {
    expect(canonicalUri('/path')).toBe('/path/');
    expect(canonicalUri('/path/')).toBe('/path/');
    expect(canonicalUri('/')).toBe('/');
    expect(canonicalUri('')).toBe('/');
  });

  it('percent-encodes a segment with a space or unicode exactly once', () => {
    expect(canonicalUri('/a b/ü/一')).toBe('/a%20b/%C3%BC/%E4%B8%80/');
    expect(canonicalUri('/a%20b/%C3%BC/%E4%B8%80')).toBe('/a%20b/%C3%BC/%E4%B8%80/');
    expect(canonicalUri(new URL('https://h/a b/ü').pathname)).toBe('/a%20b/%C3%BC/');
    expect(canonicalUri('/v5/x*y(1)')).toBe('/v5/x%2Ay%281%29/');
  });

  it('treats an encoded slash as a separator, like the Go and Python SDKs', () => {
    expect(canonicalUri('/a%2Fb')).toBe('/a/b/');
  });

  it('keeps a malformed escape literally instead of throwing', () => {
    expect(canonicalUri('/a%zz')).toBe('/a%25zz/');
  });

  it('/path and /path/ sign identically', async () => {
    const headers = { 'X-Sdk-Date': '20060102T150405Z' };
    const a = await authorization({ method: 'GET', url: 'https://h/path', headers }, CREDS);
    const b = await authorization({ method: 'GET', url: 'https://h/path/', headers }, CREDS);
    const c = await authorization({ method: 'GET', url: 'https://h/path/x', headers }, CREDS);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});

describe('formatSdkDate', () => {
  it('formats UTC as YYYYMMDDTHHMMSSZ and drops milliseconds', () => {
    expect(formatSdkDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5, 999)))).toBe('20060102T150405Z');
    expect(formatSdkDate(new Date('2024-12-31T23:59:59.000+02:00'))).toBe('20241231T215959Z');
  });
});

describe('body hashing', () => {
  const base = { method: 'POST', url: 'https://h/v5/p', headers: { 'X-Sdk-Date': '20060102T150405Z' } };

  it('treats a missing, null, empty string and empty byte body alike', async () => {
    const sigs = await Promise.all(
      [undefined, null, '', new Uint8Array()].map((body) => authorization({ ...base, body }, CREDS)),
    );
    expect(new Set(sigs).size).toBe(1);
    expect(sigs[0]).not.toBe(await authorization({ ...base, body: ' ' }, CREDS));
  });

  it('hashes a string body as its UTF-8 bytes', async () => {
    const text = '{"name":"容器"}';
    expect(await authorization({ ...base, body: text }, CREDS)).toBe(
      await authorization({ ...base, body: new TextEncoder().encode(text) }, CREDS),
    );
  });

  it('X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD replaces the body hash', async () => {
    const headers = { ...base.headers, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' };
    const a = await authorization({ ...base, headers, body: 'one' }, CREDS);
    const b = await authorization({ ...base, headers, body: 'two' }, CREDS);
    expect(a).toBe(b);
    expect(signedHeadersOf(a)).toBe('x-sdk-content-sha256;x-sdk-date');
    // Any other value is just a signed header: the body still counts.
    const other = { ...base.headers, 'X-Sdk-Content-Sha256': 'something-else' };
    expect(await authorization({ ...base, headers: other, body: 'one' }, CREDS)).not.toBe(
      await authorization({ ...base, headers: other, body: 'two' }, CREDS),
    );
  });
});

// ---- property tests ----

const EXCLUDED = new Set(['x-sdk-date', 'x-sdk-content-sha256', 'authorization']);
const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,14}$/).filter((n) => !EXCLUDED.has(n.toLowerCase()));
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 20 });
// '/' is left out: an encoded slash counts as a separator (see canonicalUri), so it would not be a change.
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((s) => s !== '.' && s !== '..' && !s.includes('/'));
const queryPair = fc.tuple(
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const sdkDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map(formatSdkDate);

const base = fc.record({
  method: fc.constantFrom<string>('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  segments: fc.array(segment, { maxLength: 4 }),
  query: fc.array(queryPair, { maxLength: 4 }),
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 4, selector: ([n]) => n.toLowerCase() }),
  body: fc.uint8Array({ maxLength: 64 }),
  date: sdkDate,
  secretKey: fc.string({ minLength: 1, maxLength: 24 }),
});
type Base = typeof base extends fc.Arbitrary<infer T> ? T : never;

const buildUrl = (segments: string[], query: [string, string][]): URL => {
  const url = new URL('https://example.huaweicloud.com');
  url.pathname = `/${segments.map(encodeURIComponent).join('/')}`;
  for (const [n, v] of query) url.searchParams.append(n, v);
  return url;
};
const sign = (b: Base, extraHeaders: [string, string][] = []): Promise<string> => {
  const request: SignableRequest = {
    method: b.method,
    url: buildUrl(b.segments, b.query),
    headers: Object.fromEntries([...b.headers, ['X-Sdk-Date', b.date], ...extraHeaders]),
    body: b.body,
  };
  return authorization(request, { accessKey: 'AK', secretKey: b.secretKey });
};
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const permutation = <T>(items: T[]): fc.Arbitrary<T[]> =>
  fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });

describe('signature changes when a signed component changes', () => {
  const differs = async (a: Base, b: Base): Promise<void> => {
    expect(signatureOf(await sign(a))).not.toBe(signatureOf(await sign(b)));
  };

  it('method', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'), async (b, m) => {
        fc.pre(m !== b.method);
        await differs(b, { ...b, method: m });
      }),
      FC,
    );
  });

  it('path', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.array(segment, { maxLength: 4 }), async (b, segments) => {
        fc.pre(segments.join('\u0000') !== b.segments.join('\u0000'));
        await differs(b, { ...b, segments });
      }),
      FC,
    );
  });

  it('a query value', async () => {
    await fc.assert(
      fc.asyncProperty(base, queryPair, fc.string({ unit: 'grapheme', maxLength: 6 }), async (b, pair, other) => {
        fc.pre(other !== pair[1]);
        await differs({ ...b, query: [...b.query, pair] }, { ...b, query: [...b.query, [pair[0], other]] });
      }),
      FC,
    );
  });

  it('a signed header value', async () => {
    await fc.assert(
      fc.asyncProperty(base, headerName, headerValue, headerValue, async (b, name, v1, v2) => {
        fc.pre(v1.trim() !== v2.trim());
        const others = b.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
        await differs({ ...b, headers: [...others, [name, v1]] }, { ...b, headers: [...others, [name, v2]] });
      }),
      FC,
    );
  });

  it('body bytes', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.uint8Array({ maxLength: 64 }), async (b, body) => {
        fc.pre(!sameBytes(body, b.body));
        await differs(b, { ...b, body });
      }),
      FC,
    );
  });

  it('X-Sdk-Date', async () => {
    await fc.assert(
      fc.asyncProperty(base, sdkDate, async (b, date) => {
        fc.pre(date !== b.date);
        await differs(b, { ...b, date });
      }),
      FC,
    );
  });

  it('secret key', async () => {
    await fc.assert(
      fc.asyncProperty(base, fc.string({ minLength: 1, maxLength: 24 }), async (b, secretKey) => {
        fc.pre(secretKey !== b.secretKey);
        await differs(b, { ...b, secretKey });
      }),
      FC,
    );
  });
});

describe('signature does not change when an unsigned aspect changes', () => {
  it('a header whose name contains "_" is added or changed', async () => {
    const underscoreName = fc.tuple(headerName, headerName).map(([a, b]) => `${a}_${b}`);
    await fc.assert(
      fc.asyncProperty(base, underscoreName, headerValue, headerValue, async (b, name, v1, v2) => {
        const plain = await sign(b);
        expect(await sign(b, [[name, v1]])).toBe(plain);
        expect(await sign(b, [[name, v2]])).toBe(plain);
      }),
      FC,
    );
  });

  it('the order in which headers are given', async () => {
    const arb = base.chain((b) => fc.tuple(fc.constant(b), permutation(b.headers)));
    await fc.assert(
      fc.asyncProperty(arb, async ([b, headers]) => {
        expect(await sign({ ...b, headers })).toBe(await sign(b));
      }),
      FC,
    );
  });

  it('the order in which query parameters are given', async () => {
    const arb = base.chain((b) => fc.tuple(fc.constant(b), permutation(b.query)));
    await fc.assert(
      fc.asyncProperty(arb, async ([b, query]) => {
        expect(await sign({ ...b, query })).toBe(await sign(b));
      }),
      FC,
    );
  });

  it('header name case', async () => {
    const recase = (name: string): fc.Arbitrary<string> =>
      fc
        .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
        .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
    const arb = base.chain((b) =>
      fc.tuple(
        fc.constant(b),
        fc.tuple(...b.headers.map(([n, v]) => recase(n).map((r): [string, string] => [r, v]))),
        recase('X-Sdk-Date'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([b, headers, dateName]) => {
        const request: SignableRequest = {
          method: b.method,
          url: buildUrl(b.segments, b.query),
          headers: Object.fromEntries([...headers, [dateName, b.date]]),
          body: b.body,
        };
        expect(await authorization(request, { accessKey: 'AK', secretKey: b.secretKey })).toBe(await sign(b));
      }),
      FC,
    );
  });

  it('whitespace around a header value', async () => {
    const pad = fc.stringMatching(/^[ \t]{0,3}$/);
    const padded = ([n, v]: [string, string]): fc.Arbitrary<[string, string]> =>
      fc.tuple(pad, pad).map(([l, r]) => [n, l + v + r]);
    const arb = base.chain((b) => fc.tuple(fc.constant(b), fc.tuple(...b.headers.map(padded))));
    await fc.assert(
      fc.asyncProperty(arb, async ([b, headers]) => {
        const trimmed = b.headers.map(([n, v]): [string, string] => [n, v.trim()]);
        expect(await sign({ ...b, headers })).toBe(await sign({ ...b, headers: trimmed }));
      }),
      FC,
    );
  });
});

describe('signedHeaders()', () => {
  const now = new Date(Date.UTC(2025, 6, 31, 8, 9, 10));
  const request: SignableRequest = {
    method: 'POST',
    url: 'https://hss.cn-north-4.myhuaweicloud.com/v5/p1/container/export-task?export_size=10',
    headers: { 'Content-Type': 'application/json', X_Trace_Id: 'abc' },
    body: '{"export_headers":[["container_name","Container"]]}',
  };
  const temporary = { accessKey: 'TMPAK', secretKey: 'tmp-secret', securityToken: 'tok' };

  it('adds X-Sdk-Date, X-Project-Id, X-Security-Token and Authorization, and no Host', async () => {
    const added = await signedHeaders(request, temporary, { now, projectId: 'p1' });
    expect(Object.keys(added).sort()).toEqual(['Authorization', 'X-Project-Id', 'X-Sdk-Date', 'X-Security-Token']);
    expect(added['X-Sdk-Date']).toBe('20250731T080910Z');
    expect(added['X-Project-Id']).toBe('p1');
    expect(added['X-Security-Token']).toBe('tok');
    expect(Object.keys(added).some((k) => k.toLowerCase() === 'host')).toBe(false);
    const auth = added.Authorization ?? '';
    expect(auth.startsWith('SDK-HMAC-SHA256 Access=TMPAK, ')).toBe(true);
    expect(signedHeadersOf(auth)).toBe('content-type;host;x-project-id;x-sdk-date;x-security-token');
  });

  it('matches authorization() over the same headers plus Host', async () => {
    const added = await signedHeaders(request, temporary, { now, projectId: 'p1' });
    const { Authorization, ...rest } = added;
    const expected = await authorization(
      { ...request, headers: { ...request.headers, ...rest, Host: 'hss.cn-north-4.myhuaweicloud.com' } },
      temporary,
    );
    expect(Authorization).toBe(expected);
  });

  it('omits X-Project-Id and X-Security-Token when not given', async () => {
    const added = await signedHeaders({ method: 'GET', url: 'https://h.example/x', headers: {} }, CREDS, { now });
    expect(Object.keys(added).sort()).toEqual(['Authorization', 'X-Sdk-Date']);
    expect(signedHeadersOf(added.Authorization ?? '')).toBe('host;x-sdk-date');
  });

  it('is deterministic for a fixed now and depends on now', async () => {
    const a = await signedHeaders(request, temporary, { now, projectId: 'p1' });
    const b = await signedHeaders(request, temporary, { now: new Date(now), projectId: 'p1' });
    const later = await signedHeaders(request, temporary, { now: new Date(now.getTime() + 1000), projectId: 'p1' });
    expect(b).toEqual(a);
    expect(later.Authorization).not.toBe(a.Authorization);
  });

  it('defaults now to the current time', async () => {
    const before = formatSdkDate(new Date());
    const added = await signedHeaders(request, CREDS);
    const after = formatSdkDate(new Date());
    expect(added['X-Sdk-Date'] ?? '').toMatch(/^\d{8}T\d{6}Z$/);
    expect([before, after]).toContain(added['X-Sdk-Date']);
  });

  it.each([
    ['https://example.com:443/x', 'example.com', 'example.com:443'],
    ['http://example.com:80/x', 'example.com', 'example.com:80'],
    ['https://example.com:8443/x', 'example.com:8443', 'example.com'],
    ['http://example.com:443/x', 'example.com:443', 'example.com'],
    ['http://[::1]:8080/x', '[::1]:8080', '[::1]'],
  ])('signs the host of %s as %s (not %s)', async (url, host, wrong) => {
    const added = await signedHeaders({ method: 'GET', url, headers: {} }, CREDS, { now });
    const withHost = (h: string): Promise<string> =>
      authorization({ method: 'GET', url, headers: { Host: h, 'X-Sdk-Date': added['X-Sdk-Date'] ?? '' } }, CREDS);
    expect(added.Authorization).toBe(await withHost(host));
    expect(added.Authorization).not.toBe(await withHost(wrong));
  });

  it('overrides a stale Host, X-Sdk-Date or Authorization passed in the request headers', async () => {
    const clean = await signedHeaders({ method: 'GET', url: 'https://h.example/x', headers: {} }, CREDS, { now });
    const stale = await signedHeaders(
      {
        method: 'GET',
        url: 'https://h.example/x',
        headers: { Host: 'other.example', 'x-sdk-date': '20000101T000000Z', Authorization: 'old' },
      },
      CREDS,
      { now },
    );
    expect(stale).toEqual(clean);
  });
});

describe('input validation never leaks secrets', () => {
  const SECRET = 'Sup3r-S3cret-Key-7f9c2b';
  const TOKEN = 'Security-Token-Value-0d4e11';
  const messageOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      const err = e as TypeError;
      return `${err.message}\n${err.stack ?? ''}\n${String(err)}`;
    }
    throw new Error('expected a rejection');
  };
  const dated = { method: 'GET', url: 'https://h.example/x', headers: { 'X-Sdk-Date': '20060102T150405Z' } };

  it('empty accessKey', async () => {
    const msg = await messageOf(authorization(dated, { accessKey: '', secretKey: SECRET }));
    expect(msg).toMatch(/accessKey/);
    expect(msg).not.toContain(SECRET);
  });

  it('empty secretKey', async () => {
    const msg = await messageOf(authorization(dated, { accessKey: 'AK', secretKey: '' }));
    expect(msg).toMatch(/secretKey/);
  });

  it('missing or blank X-Sdk-Date', async () => {
    const variants: Record<string, string>[] = [{}, { 'X-Sdk-Date': '  ' }, { X_Sdk_Date: '20060102T150405Z' }];
    for (const headers of variants) {
      const msg = await messageOf(authorization({ ...dated, headers }, { accessKey: 'AK', secretKey: SECRET }));
      expect(msg).toMatch(/X-Sdk-Date/);
      expect(msg).not.toContain(SECRET);
    }
  });

  it('signedHeaders() with bad credentials mentions neither the secret key nor the token', async () => {
    const msg = await messageOf(
      signedHeaders(dated, { accessKey: '', secretKey: SECRET, securityToken: TOKEN }, { projectId: 'p' }),
    );
    expect(msg).toMatch(/accessKey/);
    expect(msg).not.toContain(SECRET);
    expect(msg).not.toContain(TOKEN);
  });
});
