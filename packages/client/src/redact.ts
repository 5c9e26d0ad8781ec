// Keeps credentials out of everything an error can carry. A server may echo a secret back
// in any spelling (as is, JSON-escaped with `\/` or `\u002f`, percent-encoded, or a mix),
// whole or only its start, and the client itself cuts long texts short. So a secret is
// found character by character, each as is or escaped; its start is removed too, and a
// text the client had to cut loses whatever start of a secret it ends with. Strings are
// redacted before anything shortens them, so a preview's cut never splits a secret.

/**
 * Replaces every credential with [REDACTED]. `cut`: the text was cut off at its end (a body
 * read only up to a limit), so a start of a secret it ends with goes too, however short.
 */
export type Redact = (text: string, cut?: boolean) => string;

/** A secret's start this long is redacted wherever it appears: a server may echo a token shortened. */
export const MIN_REDACTED_START = 8;

const BACKSLASH = 0x5c;
const PERCENT = 0x25;
/** What `\` escapes in JSON besides `\uXXXX`, among the characters a header value can hold. */
const JSON_ESCAPED = new Set([0x22, 0x5c, 0x2f]);
/** A text that ends part way into an escape. */
const PARTIAL_ESCAPE = /^(?:\\(?:u[0-9a-fA-F]{0,3})?|%[0-9a-fA-F]?)$/;

const hexAt = (text: string, at: number, digits: number): number => {
  const hex = text.slice(at, at + digits);
  return hex.length === digits && /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : -1;
};

/**
 * How many characters of `secret` the text spells from `at` (each as is, `\uXXXX`, `\/`-style
 * or `%XX`), and where that spelling ends; at the text's end when it stops part way into an escape.
 */
function spelt(text: string, at: number, secret: string): { chars: number; end: number } {
  let i = at;
  let chars = 0;
  while (chars < secret.length && i < text.length) {
    const want = secret.charCodeAt(chars);
    const c = text.charCodeAt(i);
    let step = 0;
    if (c === BACKSLASH) {
      if (text[i + 1] === 'u' && hexAt(text, i + 2, 4) === want) step = 6;
      else if (text.charCodeAt(i + 1) === want && JSON_ESCAPED.has(want)) step = 2;
    } else if (c === PERCENT && hexAt(text, i + 1, 2) === want) step = 3;
    if (!step && c === want) step = 1;
    if (!step) break;
    i += step;
    chars++;
  }
  if (chars < secret.length && PARTIAL_ESCAPE.test(text.slice(i))) i = text.length;
  return { chars, end: i };
}

function redactOne(text: string, secret: string, cut: boolean): string {
  const first = secret.charCodeAt(0);
  let out = '';
  let from = 0;
  for (let at = 0; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c !== first && c !== BACKSLASH && c !== PERCENT) continue;
    const { chars, end } = spelt(text, at, secret);
    if (chars === secret.length || chars >= MIN_REDACTED_START || (cut && chars > 0 && end === text.length)) {
      out += `${text.slice(from, at)}[REDACTED]`;
      from = end;
      at = end - 1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** A redactor over a set of secrets that may grow (refreshed temporary credentials). */
export function redactor(secrets: Set<string>): Redact {
  return (text, cut = false) => {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      if (secret) out = redactOne(out, secret, cut);
    }
    return out;
  };
}

/** Every string inside a parsed JSON value, redacted. */
export const redactDeep = (value: unknown, redact: Redact): unknown =>
  typeof value === 'string'
    ? redact(value)
    : Array.isArray(value)
      ? value.map((v) => redactDeep(v, redact))
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]))
        : value;

/**
 * A short, quoted excerpt of untrusted text for a message: JSON escapes decoded, secrets
 * redacted, then cut, and control characters escaped by the quoting. `cut`: as for Redact.
 */
export function preview(text: string, redact: Redact, max = 60, cut = false): string {
  const decoded = text.replace(/\\u([0-9a-fA-F]{4})|\\\//g, (m, hex?: string) =>
    hex ? String.fromCharCode(Number.parseInt(hex, 16)) : m.slice(1),
  );
  const safe = [...redact(decoded, cut)];
  return JSON.stringify(safe.length > max ? `${safe.slice(0, max).join('')}…` : safe.join(''));
}
