// Every byte the CLI prints goes through a Writer, which replaces known credentials with
// [REDACTED]. The client already keeps secrets out of its errors; this is the second wall,
// for text we did not write ourselves (a stack trace, a cause from the runtime).

/** The part of a stream the CLI writes to; tests pass fakes. */
export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** Environment variables whose values must never be printed. */
export const SECRET_ENV_VARS = [
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'HSS_EXPORT_TOKEN',
] as const;

// Shorter values cannot be real credentials, and redacting them would shred ordinary text.
const MIN_SECRET_LENGTH = 4;

export class Secrets {
  private readonly values = new Set<string>();
  private readonly redactors: ((text: string) => string)[] = [];

  static fromEnv(env: Record<string, string | undefined>): Secrets {
    const secrets = new Secrets();
    for (const name of SECRET_ENV_VARS) secrets.add(env[name]);
    return secrets;
  }

  add(value: string | undefined): void {
    if (value && value.trim().length >= MIN_SECRET_LENGTH) {
      this.values.add(value);
      this.values.add(value.trim());
    }
  }

  /** Another redaction to apply too, e.g. the client's (it knows credentials from any source). */
  addRedactor(redact: ((text: string) => string) | undefined): void {
    if (redact) this.redactors.push(redact);
  }

  redact(text: string): string {
    let out = this.redactors.reduce((t, r) => r(t), text);
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(secret).join('[REDACTED]');
    return out;
  }
}

export class Writer {
  constructor(
    readonly sink: TextSink,
    private readonly secrets: Secrets,
  ) {}

  get isTTY(): boolean {
    return this.sink.isTTY === true;
  }

  get columns(): number {
    return this.sink.columns && this.sink.columns > 10 ? this.sink.columns : 80;
  }

  write(text: string): void {
    this.sink.write(this.secrets.redact(text));
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }
}

/**
 * Server text made safe to print on one line: control characters (newlines, ESC, C1),
 * bidirectional overrides and line separators are shown as escapes, so a task name or an
 * error message can neither forge a line of output nor drive the terminal. `--json` needs
 * none of this: JSON.stringify escapes them.
 */
export function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
