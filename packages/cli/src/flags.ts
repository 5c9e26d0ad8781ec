// From the spec's description (generated into @hss-export/client/spec) to command-line
// flags: every parameter and body field of an operation is a flag named after it in
// kebab-case, typed, with its enum, limits and help text from the spec. Nothing here
// names an operation or a field, so a spec edit changes the flags on its own.
import { type Operation, operationDocs, type Schema, schemas } from '@hss-export/client/spec';
import type { OptionSpecs } from './args.js';
import { UsageError } from './errors.js';

export interface FieldFlag {
  /** Without the dashes: `cluster-name`. */
  flag: string;
  /** The API's name: `cluster_name`. */
  name: string;
  where: 'path' | 'query' | 'header' | 'body';
  required: boolean;
  /** With any `ref` followed. */
  schema: Schema;
  help: string;
  /** `json` for objects and lists of lists; `list` for a repeatable scalar flag. */
  kind: 'string' | 'integer' | 'number' | 'boolean' | 'json' | 'list';
}

/** `cluster_name` → `cluster-name`, `getExportTask` → `get-export-task`. */
export const kebab = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

export const resolve = (schema: Schema): Schema => (schema.ref ? resolve(schemas[schema.ref]!) : schema);

function kindOf(schema: Schema): FieldFlag['kind'] {
  if (schema.type === 'array') {
    const items = resolve(schema.items ?? {});
    return items.type === 'array' || items.type === 'object' ? 'json' : 'list';
  }
  return schema.type === 'object' || schema.type === undefined ? 'json' : schema.type;
}

/**
 * The flags of an operation. Parameters a client setting supplies (`x-hss-client-option`:
 * the project ID, the region) are left to the connection flags.
 */
export function fieldFlags(op: Operation): FieldFlag[] {
  const docs = operationDocs[op.id];
  const flags: FieldFlag[] = op.params
    .filter((p) => !p.option)
    .map((p) => ({
      flag: kebab(p.name),
      name: p.name,
      where: p.in,
      required: p.required,
      schema: resolve(p.schema),
      help: docs?.params[p.name] ?? '',
      kind: kindOf(resolve(p.schema)),
    }));
  if (op.body) {
    const body = resolve(op.body.schema);
    for (const name of op.body.fields ?? []) {
      const schema = resolve(body.properties?.[name] ?? {});
      flags.push({
        flag: kebab(name),
        name,
        where: 'body',
        required: body.required?.includes(name) ?? false,
        schema,
        help: docs?.fields[name] ?? '',
        kind: kindOf(schema),
      });
    }
  }
  return flags;
}

/** What node:util parseArgs needs for these flags (booleans get --no-<flag> too). */
export function optionSpecs(flags: readonly FieldFlag[]): OptionSpecs {
  return Object.fromEntries(
    flags.map((f) => [
      f.flag,
      f.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: f.kind === 'list' },
    ]),
  );
}

function scalar(f: FieldFlag, text: string, schema = f.schema): unknown {
  const type = schema.type;
  if (type === 'integer' || type === 'number') {
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(value) || (type === 'integer' && !/^-?\d+$/.test(text.trim()))) {
      throw new UsageError(
        `--${f.flag} must be ${type === 'integer' ? 'a whole number' : 'a number'} (got ${JSON.stringify(text)})`,
      );
    }
    return value;
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false')
      throw new UsageError(`--${f.flag} must be true or false (got ${JSON.stringify(text)})`);
    return text === 'true';
  }
  return text;
}

/**
 * The parsed flag values as the client's params: numbers parsed, JSON values read, each
 * under the API's name. Ranges, enums and lengths are left to the client, which checks
 * them from the same spec before anything is sent.
 */
export function paramsFrom(flags: readonly FieldFlag[], values: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of flags) {
    const value = values[f.flag];
    if (value === undefined) continue;
    if (f.kind === 'boolean') params[f.name] = value;
    else if (f.kind === 'list')
      params[f.name] = (value as string[]).map((v) => scalar(f, v, resolve(f.schema.items ?? {})));
    else if (f.kind === 'json') {
      try {
        params[f.name] = JSON.parse(value as string);
      } catch {
        throw new UsageError(`--${f.flag} must be JSON, e.g. ${example(f.schema)} (got ${JSON.stringify(value)})`);
      }
    } else params[f.name] = scalar(f, value as string);
  }
  return params;
}

/** A short JSON example of a schema, for help and error messages. */
export function example(schema: Schema, depth = 0): string {
  const s = resolve(schema);
  if (depth > 3) return '…';
  if (s.enum) return JSON.stringify(s.enum[0]);
  switch (s.type) {
    case 'array': {
      const items = resolve(s.items ?? {});
      const first = s.columnKeys ? JSON.stringify(s.columnKeys[0]) : undefined;
      if (s.columnKeys && items.type === 'string') return `[${first}, "Title"]`;
      return `[${example(items, depth + 1)}]`;
    }
    case 'object':
      return `{${Object.entries(s.properties ?? {})
        .slice(0, 2)
        .map(([k, v]) => `"${k}": ${example(v, depth + 1)}`)
        .join(', ')}}`;
    case 'integer':
    case 'number':
      return String(s.minimum ?? 1);
    case 'boolean':
      return 'true';
    default:
      return '"text"';
  }
}

/** "1 to 255 characters", "one of cce, ali, …", "1 to 100000": what a value must be. */
export function constraint(schema: Schema): string {
  const s = resolve(schema);
  const range = (min?: number, max?: number, unit = '') =>
    min !== undefined && max !== undefined
      ? `${min} to ${max}${unit}`
      : min !== undefined
        ? `at least ${min}${unit}`
        : max !== undefined
          ? `at most ${max}${unit}`
          : '';
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  if (s.type === 'string') return range(s.minLength || undefined, s.maxLength, ' characters');
  if (s.type === 'integer' || s.type === 'number') return range(s.minimum, s.maximum);
  if (s.type === 'array') {
    const items = resolve(s.items ?? {});
    const keys = s.columnKeys ?? items.columnKeys;
    return [range(s.minItems, s.maxItems, ' items'), keys ? `keys: ${keys.join(', ')}` : ''].filter(Boolean).join('; ');
  }
  return '';
}

const placeholder = (f: FieldFlag): string =>
  f.kind === 'boolean' ? '' : f.kind === 'json' ? ' <json>' : f.schema.type === 'integer' ? ' <n>' : ' <value>';

/** One help line (or a few) per flag, aligned, with the spec's description and constraints. */
export function flagHelp(flags: readonly FieldFlag[], overrides: Record<string, string> = {}): string {
  const rows = flags.map((f) => {
    const left = `--${f.flag}${placeholder(f)}${f.kind === 'boolean' ? ` (--no-${f.flag})` : ''}`;
    const extras = [
      f.kind === 'list' ? 'repeatable' : '',
      f.kind === 'json' && !overrides[f.name] ? `JSON, e.g. ${example(f.schema)}` : '',
      constraint(f.schema),
      f.required ? 'required' : '',
    ].filter(Boolean);
    const text = (overrides[f.name] ?? f.help).replace(/\s+/g, ' ').trim();
    return [left, `${text}${extras.length ? `${text ? ' ' : ''}(${extras.join('; ')})` : ''}`] as const;
  });
  // The column the hand-written help sections use too.
  const width = 30;
  return rows
    .map(([left, right]) => {
      const lines = wrap(right, 98 - width);
      // A flag too long for its column gets the text on the lines below it.
      if (left.length >= width) lines.unshift('');
      return lines.map((line, i) => `  ${(i === 0 ? left : '').padEnd(width)}${line}`.trimEnd()).join('\n');
    })
    .join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
