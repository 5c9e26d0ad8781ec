// Checks a value against a generated rule (operation.ts's Schema). The same interpreter
// checks what we send and what the server answers. It is bundled into browsers, so it
// reads exactly the keywords the spec lint admits (spec/redocly.yaml) instead of shipping
// a JSON Schema library many times its size.
import type { Schema } from './operation.js';

/** One way a request (or an answer) breaks the spec's rules. */
export interface ValidationProblem {
  /** Where: `task_id`, `export_headers[1][0]`, `answer.task_status`. */
  path: string;
  /** The keyword that failed, e.g. `required`, `maxLength`, `enum`, `columnKeys`. */
  rule: string;
  /** A sentence a user can act on, starting with `path`. */
  message: string;
}

const kindOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * Appends every way `value` breaks `schema` to `out`. `show` renders a value for a
 * message (the caller redacts and shortens it); `schemas` resolves `ref`.
 */
export function check(
  schemas: { readonly [name: string]: Schema },
  schema: Schema,
  value: unknown,
  path: string,
  out: ValidationProblem[],
  show: (value: unknown) => string,
): void {
  const fail = (rule: string, text: string, at = path): void => {
    out.push({ path: at, rule, message: `${at} ${text}` });
  };
  const walk = (rule: Schema, v: unknown, at: string): void => {
    if (rule.ref) {
      if (v !== null || !rule.nullable) walk(schemas[rule.ref]!, v, at);
      return;
    }
    const kind = kindOf(v);
    if (v === null && rule.nullable) return;
    const { type } = rule;
    const numeric = type === 'integer' || type === 'number';
    if (type && kind !== (numeric ? 'number' : type)) {
      fail('type', `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} (got ${show(v)})`, at);
      return;
    }
    // Kept apart from `type` so callers can tell "wrong kind of value" from 1.5, NaN or Infinity.
    if (numeric && !(type === 'integer' ? Number.isInteger(v) : Number.isFinite(v))) {
      fail(type, `must be a ${type === 'integer' ? 'whole' : 'finite'} number (got ${show(v)})`, at);
      return;
    }
    if (rule.enum && !rule.enum.includes(v))
      fail('enum', `must be one of ${rule.enum.join(', ')} (got ${show(v)})`, at);
    // minLength/maxLength, minItems/maxItems, minimum/maximum: one check, three units.
    const limit = (suffix: string, min?: number, max?: number, n = 0, text = (w: string, l: number) => `${w} ${l}`) => {
      if (min !== undefined && n < min) fail(`min${suffix}`, `must ${text('at least', min)}`, at);
      if (max !== undefined && n > max) fail(`max${suffix}`, `must ${text('at most', max)}`, at);
    };
    const count = (unit: string, n: number) => (w: string, l: number) =>
      `have ${w} ${l} ${unit}${l === 1 ? '' : 's'} (got ${n})`;
    if (kind === 'string') {
      // Code points, as JSON Schema counts them: an emoji is one character, not two.
      const n = [...(v as string)].length;
      limit('Length', rule.minLength, rule.maxLength, n, count('character', n));
    } else if (kind === 'array') {
      const n = (v as unknown[]).length;
      limit('Items', rule.minItems, rule.maxItems, n, count('item', n));
    } else if (kind === 'number') {
      limit('imum', rule.minimum, rule.maximum, v as number, (w, l) => `be ${w} ${l} (got ${show(v)})`);
    }

    if (kind === 'array') {
      const list = v as unknown[];
      if (rule.items) for (const [i, item] of list.entries()) walk(rule.items, item, `${at}[${i}]`);
      // A non-string key was already reported by `items`.
      if (rule.columnKeys && typeof list[0] === 'string' && !rule.columnKeys.includes(list[0])) {
        fail('columnKeys', `must be one of ${rule.columnKeys.join(', ')} (got ${show(list[0])})`, `${at}[0]`);
      }
    } else if (kind === 'object') {
      const object = v as Record<string, unknown>;
      const properties = rule.properties ?? {};
      // The body's top level has no prefix: its fields sit beside the parameters.
      const inner = (name: string) => (at ? `${at}.${name}` : name);
      for (const name of rule.required ?? [])
        if (object[name] === undefined) fail('required', 'is required', inner(name));
      for (const [name, item] of Object.entries(object)) {
        if (item === undefined) continue;
        // hasOwn: a property called "constructor" must not find Object.prototype's.
        if (Object.hasOwn(properties, name)) walk(properties[name]!, item, inner(name));
        else if (rule.additionalProperties === false)
          fail('additionalProperties', 'is not an allowed property', inner(name));
      }
    }
  };
  walk(schema, value, path);
}
