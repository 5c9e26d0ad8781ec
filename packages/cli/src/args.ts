// Command-line parsing on top of node:util parseArgs (strict), plus the value parsers the
// commands share: durations, ISO dates, columns. Everything here throws UsageError, so a
// bad value ends the run with exit code 2 before anything is sent.
import { parseArgs } from 'node:util';
import type { ExportColumn } from '@hss-export/client';
import { UsageError } from './errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
}
export type OptionSpecs = Record<string, OptionSpec>;

/** Where to send requests and how to authenticate; every command takes these. */
export const CONNECTION_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'project-id': { type: 'string' },
  'token-stdin': { type: 'boolean' },
  mock: { type: 'boolean' },
  scenario: { type: 'string' },
} as const satisfies OptionSpecs;

export const OUTPUT_OPTIONS = {
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

export const WAIT_OPTIONS = {
  timeout: { type: 'string' },
  'poll-interval': { type: 'string' },
} as const satisfies OptionSpecs;

/**
 * The flags as typed that a follow-up command (`hss-export status …`, `download …`) also
 * takes, to repeat them in the commands we suggest: the connection flags and any others
 * in `alsoTaken` (e.g. --enterprise-project-id, when both operations have that parameter).
 */
export function resumeArgs(values: Record<string, unknown>, alsoTaken: readonly string[] = []): string[] {
  const args: string[] = [];
  for (const name of ['region', 'endpoint', 'project-id', ...alsoTaken]) {
    const value = values[name];
    if (typeof value === 'string') args.push(`--${name}`, value);
  }
  if (values.mock === true) args.push('--mock');
  if (typeof values.scenario === 'string') args.push('--scenario', values.scenario);
  return args;
}

type Merged<T extends OptionSpecs[]> = T extends [infer H, ...infer R extends OptionSpecs[]] ? H & Merged<R> : unknown;

/** Several option tables as one; a flag defined twice (a spec field named like a CLI flag) is a bug, said at once. */
export function mergeOptions<T extends OptionSpecs[]>(...specs: T): Merged<T> & OptionSpecs {
  const merged: OptionSpecs = {};
  for (const spec of specs) {
    for (const [name, option] of Object.entries(spec)) {
      if (Object.hasOwn(merged, name)) {
        throw new Error(
          `the flag --${name} is defined twice: a spec parameter or field now has the name of a CLI flag; rename one`,
        );
      }
      merged[name] = option;
    }
  }
  return merged as Merged<T> & OptionSpecs;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggest(unknown: string, known: string[]): string {
  const name = unknown.replace(/^-+/, '').split('=')[0]!;
  const best = known
    .map((k) => ({ k, d: k.startsWith(name) && name.length >= 3 ? 0 : editDistance(name, k) }))
    .sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 2 ? ` (did you mean --${best.k}?)` : '';
}

const CREDENTIAL_FLAG = /^--?(token|ak|sk|access-?key|secret(-?key)?|security-?token|password)$/i;

export interface Parsed<T extends OptionSpecs> {
  values: {
    [K in keyof T]?: T[K] extends { multiple: true } ? string[] : T[K]['type'] extends 'boolean' ? boolean : string;
  };
  positionals: string[];
}

/**
 * Strict parsing: unknown flags, missing values and extra arguments are usage errors with
 * a short message instead of parseArgs' own wording.
 */
export function parseCommand<T extends OptionSpecs>(
  args: readonly string[],
  options: T,
  positionals: string[],
): Parsed<T> {
  let parsed: ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true; allowNegative: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Only the name: after "=" could be a value the user would not want echoed.
      const flag = (/'([^']+)'/.exec(message)?.[1] ?? '').split('=')[0]!;
      if (CREDENTIAL_FLAG.test(flag)) {
        throw new UsageError(
          `there is no ${flag} option: credentials never go in flags, where they would land in the shell history. ` +
            'Set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or HSS_EXPORT_TOKEN), or pipe a token into --token-stdin.',
        );
      }
      throw new UsageError(`unknown option ${flag}${suggest(flag, Object.keys(options))}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(-[^' ]+)/.exec(message)?.[1];
      if (flag && /argument missing/.test(message)) throw new UsageError(`${flag} needs a value`);
      if (flag && /ambiguous/.test(message)) {
        throw new UsageError(`${flag} needs a value (to give one that starts with "-", write ${flag}=VALUE)`);
      }
      if (flag && /does not take an argument/.test(message)) throw new UsageError(`${flag} does not take a value`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
  if (parsed.positionals.length > positionals.length) {
    const extra = parsed.positionals
      .slice(positionals.length)
      .map((p) => JSON.stringify(p))
      .join(' ');
    throw new UsageError(
      `unexpected argument${parsed.positionals.length - positionals.length > 1 ? 's' : ''} ${extra}`,
    );
  }
  return parsed as unknown as Parsed<T>;
}

export function requirePositional(parsed: { positionals: string[] }, index: number, name: string): string {
  const value = parsed.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing ${name}`);
  return value;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
// setTimeout's limit; longer waits would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** "90s", "10m", "1h", "500ms" or plain seconds ("30") -> milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match)
    throw new UsageError(
      `${flag} must be a duration such as 90s, 10m, 1h or a number of seconds (got ${JSON.stringify(text)})`,
    );
  const ms = Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS]);
  if (ms <= 0) throw new UsageError(`${flag} must be more than 0 (got ${JSON.stringify(text)})`);
  if (ms > MAX_TIMER_MS) throw new UsageError(`${flag} must be at most 24 days (got ${JSON.stringify(text)})`);
  return ms;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * ISO 8601 date or date-time -> epoch milliseconds. A date alone means 00:00 UTC; a time
 * without a zone is read as UTC too, so a script gives the same range on every machine.
 */
export function parseIsoDate(flag: string, text: string): number {
  const bad = (why: string) =>
    new UsageError(
      `${flag} must be an ISO 8601 date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z; ${why} (got ${JSON.stringify(text)})`,
    );
  const match = ISO_DATE.exec(text.trim());
  if (!match) throw bad('this is not one');
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  // Date.parse rolls 2026-02-30 over to March; a value that does not round-trip is a typo.
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const check = new Date(Date.UTC(...fields));
  if (
    check.getUTCFullYear() !== fields[0] ||
    check.getUTCMonth() !== fields[1] ||
    check.getUTCDate() !== fields[2] ||
    check.getUTCHours() !== fields[3] ||
    check.getUTCMinutes() !== fields[4] ||
    check.getUTCSeconds() !== fields[5]
  ) {
    throw bad('there is no such date or time');
  }
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(ms)) throw bad('it could not be read');
  if (ms < 0) throw bad('it must not be before 1970');
  return ms;
}

const ACRONYMS: Record<string, string> = { id: 'ID', cpu: 'CPU' };

/** `container_name` -> "Container Name", `cpu_limit` -> "CPU Limit". */
export function defaultTitle(key: string): string {
  return key
    .split('_')
    .map((word) => ACRONYMS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Repeated `--column key[=Title]` -> export_headers. With no --column, every known column
 * in the spec's order. Keys come from the spec (`keys`), never from a list here.
 */
export function parseColumns(specs: readonly string[] | undefined, keys: readonly string[]): ExportColumn[] {
  if (!specs || specs.length === 0) return keys.map((key) => [key, defaultTitle(key)] as ExportColumn);
  const seen = new Set<string>();
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const key = (eq === -1 ? spec : spec.slice(0, eq)).trim();
    if (!keys.includes(key)) {
      throw new UsageError(`unknown column key ${JSON.stringify(key)}; valid keys are: ${keys.join(', ')}`);
    }
    if (seen.has(key)) throw new UsageError(`column ${key} is given twice`);
    seen.add(key);
    if (eq === -1) return [key, defaultTitle(key)] as ExportColumn;
    const title = spec.slice(eq + 1).trim();
    if (!title)
      throw new UsageError(`--column ${key}= needs a title after "=" (or leave out "=" for "${defaultTitle(key)}")`);
    return [key, title] as ExportColumn;
  });
}
