// Keeps credentials out of everything an error can carry. Strings are redacted after they
// are decoded (JSON.parse has already turned `\/` and `\u0041` back into characters) and
// before anything shortens them, so neither an escaped echo nor a cut-off preview can
// show a secret or part of one.

export type Redact = (text: string) => string;

/** Raw text may still hold a JSON-escaped or percent-encoded copy of a secret. */
const spellings = (secret: string): string[] => {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret)];
};

/** A redactor over a set of secrets that may grow (refreshed temporary credentials). */
export function redactor(secrets: Set<string>): Redact {
  return (text) => {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
      for (const form of spellings(secret)) out = out.split(form).join('[REDACTED]');
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
 * redacted, then cut, and control characters escaped by the quoting.
 */
export function preview(text: string, redact: Redact, max = 60): string {
  const decoded = text.replace(/\\u([0-9a-fA-F]{4})|\\\//g, (m, hex?: string) =>
    hex ? String.fromCharCode(Number.parseInt(hex, 16)) : m.slice(1),
  );
  const safe = [...redact(decoded)];
  return JSON.stringify(safe.length > max ? `${safe.slice(0, max).join('')}…` : safe.join(''));
}
