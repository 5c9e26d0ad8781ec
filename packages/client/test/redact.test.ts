// The redactor (src/redact.ts) on its own: every spelling a server may echo a secret in,
// its start anywhere, and the end of a text the client cut short.
import { describe, expect, it } from 'vitest';
import { MIN_REDACTED_START, preview, redactDeep, redactor } from '../src/redact.js';

const TOKEN = 'MIIEhAYJ/KoZIhvc+NAQcCoIIE/dTCCBHE';
const SHORT = 'AK-1';
const redact = redactor(new Set([TOKEN, SHORT]));
const u = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

describe('redactor', () => {
  it.each([
    ['as is', TOKEN],
    ['with \\/', TOKEN.replaceAll('/', '\\/')],
    ['\\u-escaped', u(TOKEN)],
    ['\\u-escaped in upper case', u(TOKEN).toUpperCase().replaceAll('\\U', '\\u')],
    ['percent-encoded', encodeURIComponent(TOKEN)],
    ['percent-encoded in lower case', encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    [
      'mixed',
      `${TOKEN.slice(0, 9).replace('/', '\\u002F')}${encodeURIComponent(TOKEN.slice(9, 20))}${TOKEN.slice(20)}`,
    ],
  ])('replaces a secret spelt %s', (_, spelt) => {
    expect(redact(`a ${spelt} b`)).toBe('a [REDACTED] b');
  });

  it(`replaces a start of ${MIN_REDACTED_START} characters or more anywhere, and no shorter one`, () => {
    expect(redact(`x ${TOKEN.slice(0, MIN_REDACTED_START)} y`)).toBe('x [REDACTED] y');
    expect(redact(`x ${u(TOKEN.slice(0, 20))} y`)).toBe('x [REDACTED] y');
    const short = TOKEN.slice(0, MIN_REDACTED_START - 1);
    expect(redact(`x ${short} y`)).toBe(`x ${short} y`);
    expect(redact(`tail ${short}`)).toBe(`tail ${short}`);
  });

  it('a short secret only whole', () => {
    expect(redact('key AK-1, not AK-2')).toBe('key [REDACTED], not AK-2');
  });

  it('a cut text loses any start of a secret it ends with, also part way into an escape', () => {
    expect(redact('ends with MII', true)).toBe('ends with [REDACTED]');
    expect(redact('ends with AK-', true)).toBe('ends with [REDACTED]');
    expect(redact('ends with \\u004d\\u00', true)).toBe('ends with [REDACTED]');
    expect(redact('ends with MIIEhAYJ%2', true)).toBe('ends with [REDACTED]');
    // Not at the end, or not cut: left as it is.
    expect(redact('MII in the middle', true)).toBe('MII in the middle');
    expect(redact('ends with MII')).toBe('ends with MII');
  });

  it('leaves text without secrets as it is, and is idempotent', () => {
    const text = 'HSS.0004: 100% of \\u0041 tasks failed \\ M';
    expect(redact(text)).toBe(text);
    const once = redact(`${TOKEN} ${SHORT}`);
    expect(redact(once)).toBe(once);
  });

  it('finds secrets that contain \\ and %, as is and JSON-escaped', () => {
    const odd = redactor(new Set(['p%41ss\\word"x']));
    expect(odd('a p%41ss\\word"x b')).toBe('a [REDACTED] b');
    expect(odd(`a ${JSON.stringify('p%41ss\\word"x').slice(1, -1)} b`)).toBe('a [REDACTED] b');
  });

  it('redacts keys and values of parsed JSON, and previews after redacting', () => {
    expect(redactDeep({ [TOKEN]: [TOKEN, 1] }, redact)).toEqual({ '[REDACTED]': ['[REDACTED]', 1] });
    expect(preview(`${'x'.repeat(5)}${TOKEN}`, redact, 8)).toBe('"xxxxx[RE…"');
    expect(preview(`cut ${TOKEN.slice(0, 3)}`, redact, 60, true)).toBe('"cut [REDACTED]"');
  });
});
