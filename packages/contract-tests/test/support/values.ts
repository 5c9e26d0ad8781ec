// Valid values for any generated rule, so the contract tests can call every operation
// with every parameter without knowing one: a new operation or field gets them for free.
import type { Operation, Schema } from '@hss-export/client/spec';
import { schemas } from '@hss-export/client/spec';

const resolve = (s: Schema): Schema => (s.ref ? resolve(schemas[s.ref]!) : s);

/** The smallest value the rule accepts (`full`: every optional property too). */
export function validValue(schema: Schema, full: boolean, name = ''): unknown {
  const s = resolve(schema);
  if (s.enum) return s.enum[s.enum.length - 1];
  switch (s.type) {
    case 'string': {
      const length = Math.max(s.minLength ?? 0, 1);
      return `${name || 'v'}-value`.padEnd(length, 'x').slice(0, Math.min(s.maxLength ?? 64, 64));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.maximum !== undefined ? Math.min(1, s.maximum) : 1);
    case 'boolean':
      return true;
    case 'array': {
      const items = resolve(s.items ?? {});
      const count = Math.max(s.minItems ?? 0, 1);
      return Array.from({ length: count }, (_, i) =>
        i === 0 && s.columnKeys ? s.columnKeys[0] : validValue(items, full, name),
      );
    }
    default: {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (full || s.required?.includes(key)) out[key] = validValue(sub, full, key);
      }
      return out;
    }
  }
}

/**
 * Params for an operation: only what is required, or every parameter and body field. The
 * parameters a client setting supplies (project ID, region) are left to the client.
 */
export function paramsFor(op: Operation, full: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const p of op.params) if (!p.option && (full || p.required)) params[p.name] = validValue(p.schema, full, p.name);
  if (op.body) {
    const body = validValue(op.body.schema, full) as Record<string, unknown>;
    if (op.body.fields) Object.assign(params, body);
    else params.body = body;
  }
  return params;
}
