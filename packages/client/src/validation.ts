// Client-side request validation. The rules are generated from the spec
// (packages/generator/bin/spec-rules.mjs); this file only interprets them. It is bundled
// into browsers, so it interprets exactly the JSON Schema subset the generator lets
// through (the generator refuses any spec that needs more) instead of shipping ajv.
import { operations } from './generated/spec-rules.js';

export interface ValidationProblem {
  /** Where the problem is: `path.project_id`, `query.export_size`, `body.export_headers[1][0]`. */
  path: string;
  /** The schema keyword that failed, e.g. `required`, `maxLength`, `enum`, `columnKeys`. */
  rule: string;
  /** A sentence a user can act on, starting with `path`. */
  message: string;
}

/** The JSON Schema subset that packages/generator/bin/spec-rules.mjs emits. */
export interface Schema {
  readonly type?: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  readonly format?: string;
  readonly required?: readonly string[];
  readonly properties?: { readonly [name: string]: Schema };
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly unknown[];
  readonly columnKeys?: readonly string[];
}

export interface Rule {
  readonly required: boolean;
  readonly schema: Schema;
}

export interface OperationRules {
  readonly params: { readonly [location in 'path' | 'query' | 'header']: { readonly [name: string]: Rule } };
  readonly body?: Rule;
}

// Checks at compile time that the generated rules have the shapes read below.
const rules: { readonly [operationId: string]: OperationRules } = operations;

// Header parameters may carry credentials; their values must never end up in messages
// that get logged or shown.
const SECRET = /auth|token|secret|key|pass|sign/i;

const show = (value: unknown): string => {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : value && typeof value === 'object'
        ? `an ${Array.isArray(value) ? 'array' : 'object'}`
        : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/**
 * Checks a request against the spec's rules before it is sent and returns every problem
 * found (an empty list means valid). `params` is keyed by the spec's parameter names
 * (`project_id`, `export_size`, `region`, ...); `undefined` and `null` count as absent,
 * as they do for the generated client, which leaves such parameters out of the request.
 */
export function validateRequest(
  operationId: keyof typeof operations,
  input: { params?: Record<string, unknown>; body?: unknown },
): ValidationProblem[] {
  // The type rules out unknown operationIds; untyped callers passing one get a TypeError
  // from `operation.params` below rather than a silent pass.
  const operation = rules[operationId]!;
  const out: ValidationProblem[] = [];
  let hide = false;

  const report = (path: string, rule: string, text: string): void => {
    out.push({ path, rule, message: `${path} ${text}` });
  };

  const walk = (schema: Schema, value: unknown, path: string): void => {
    const got = hide ? 'a hidden value' : show(value);
    const fail = (rule: string, must: string, actual = got, at = path): void =>
      report(at, rule, `must ${must} (got ${actual})`);
    const { type, enum: allowed, items, columnKeys: keys } = schema;
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    // The generator admits no `type: number`, so every JS number is a candidate integer.
    if (type && kind !== (type === 'integer' ? 'number' : type)) {
      fail('type', `be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`);
      return;
    }
    // Kept apart from `type` so callers can tell "wrong kind of value" from 1.5 or NaN.
    if (type === 'integer' && !Number.isInteger(value)) {
      fail('integer', 'be a whole number');
      return;
    }
    if (allowed && !allowed.includes(value)) fail('enum', `be one of ${allowed.join(', ')}`);

    // The bound keywords are min/max + Length, Items or imum (minimum, maximum).
    const [size, suffix, unit] =
      kind === 'string'
        ? // Code points, as JSON Schema counts them: an emoji is one character, not two.
          [[...(value as string)].length, 'Length', ' character']
        : kind === 'array'
          ? [(value as unknown[]).length, 'Items', ' item']
          : [value, 'imum', ''];
    if (typeof size === 'number') {
      for (const [edge, word] of [
        ['min', 'at least'],
        ['max', 'at most'],
      ] as const) {
        const rule = (edge + suffix) as 'minimum' | 'maximum';
        const limit = schema[rule];
        if (limit !== undefined && (edge === 'min' ? size < limit : size > limit)) {
          fail(
            rule,
            unit ? `have ${word} ${limit}${unit}${limit === 1 ? '' : 's'}` : `be ${word} ${limit}`,
            unit ? `${size}` : got,
          );
        }
      }
    }

    if (kind === 'array') {
      const list = value as unknown[];
      if (items) for (const [i, item] of list.entries()) walk(items, item, `${path}[${i}]`);
      const key = list[0];
      // A non-string key has already been reported by `items`.
      if (keys && typeof key === 'string' && !keys.includes(key)) {
        fail('columnKeys', `be one of ${keys.join(', ')}`, hide ? got : show(key), `${path}[0]`);
      }
    } else if (kind === 'object') {
      const object = value as Record<string, unknown>;
      const { properties = {}, additionalProperties: extra } = schema;
      for (const name of schema.required ?? []) {
        if (object[name] === undefined) report(`${path}.${name}`, 'required', 'is required');
      }
      for (const [name, item] of Object.entries(object)) {
        // hasOwn: a property called "constructor" must not find Object.prototype's.
        const sub = Object.hasOwn(properties, name) ? properties[name] : extra;
        const at = `${path}.${name}`;
        if (item === undefined) continue;
        if (sub === false) report(at, 'additionalProperties', 'is not an allowed property');
        else if (typeof sub === 'object') walk(sub, item, at);
      }
    }
  };

  const check = (rule: Rule, value: unknown, path: string): void => {
    if (value != null) walk(rule.schema, value, path);
    else if (rule.required) report(path, 'required', 'is required');
  };
  for (const location of ['path', 'query', 'header'] as const) {
    for (const [name, rule] of Object.entries(operation.params[location])) {
      hide = location === 'header' && SECRET.test(name);
      const value = input.params?.[name];
      check(rule, value, `${location}.${name}`);
      // URL parsing resolves "." and ".." segments, so the request would go to another path.
      if (location === 'path' && (value === '.' || value === '..')) {
        report(`path.${name}`, 'pathSegment', `must not be "." or ".." (got "${value}")`);
      }
    }
  }
  hide = false;
  if (operation.body) check(operation.body, input.body, 'body');
  return out;
}
