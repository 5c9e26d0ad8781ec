// The spec's rules as fast-check arbitraries, read from the client's published spec data
// (@hss-export/client/spec) and nothing else: valid params of any operation, params that
// break exactly one rule, and the raw HTTP request params stand for. A new operation,
// field, bound or enum value is tested as soon as `pnpm build` regenerates that data.
import { type Operation, type Parameter, type Schema, schemas } from '@hss-export/client/spec';
import fc from 'fast-check';

/** Where a value travels: text in the URL path or query, a header, or JSON in the body. */
type Where = Parameter['in'] | 'body';
type Params = Record<string, unknown>;

/** Values breaking one rule, with the path where the client must report it. */
export interface Break {
  label: string;
  /** The ValidationProblem rule the client must report. */
  rule: string;
  /** Why Prism accepts these anyway: a known gap, asserted as one so that closing it is noticed. */
  gap?: string | undefined;
  broken: fc.Arbitrary<{ value: unknown; at: string }>;
}

// Every keyword a rule can have, each generated and broken below: a new one fails to compile here.
export const KEYWORDS: Record<keyof Schema, true> = {
  ...{ type: true, ref: true, nullable: true, enum: true, items: true, required: true, properties: true },
  ...{ minLength: true, maxLength: true, minimum: true, maximum: true, minItems: true, maxItems: true },
  ...{ additionalProperties: true, columnKeys: true },
};

const GAPS = {
  empty: 'Prism reads an empty query or header value as absent, so only the client enforces minLength there',
  columnKeys: 'OpenAPI 3.0 has no tuples: only the client checks the key of a [key, title] pair (x-hss-column-keys)',
  unknownKey: 'the client refuses a params key that is no parameter (a typo); Prism ignores unknown query parameters',
};

const MAX = Number.MAX_SAFE_INTEGER;
// What the spec leaves unbounded gets these: longer values add run time, not coverage.
const EXTRA_LENGTH = 16;
const EXTRA_ITEMS = 4;

// Prism 5.14.2 crashes on two kinds of input, and every later case with it, so neither is
// generated (no client concern): its log passes lines quoting the request through
// jsonrepair, which mangles strings holding [ ] { } and now and then crashes the printer;
// and it names an unknown property in its sl-violations header, where Node throws on any
// character outside Latin-1, so unknown property names are printable ASCII.
const noBrackets = (c: string) => !'[]{}'.includes(c);
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const ascii = printable.filter(noBrackets);
// Any code point too, so that both sides are seen to count code points. No lone surrogates
// ('binary' has none): fetch would send U+FFFD, encodeURIComponent throws.
const anyPoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const char = fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: printable }, anyPoint).filter(noBrackets);
const json = fc.jsonValue({ maxDepth: 2, stringUnit: char });
const text = (min: number, max: number, unit = char) => fc.string({ unit, minLength: min, maxLength: max });

// Integers in [min, max], each bound drawn one time in four (where validators differ), that
// shrink over the whole range: a failure drawn at a bound shrinks to the least failing value.
class Bounded extends fc.Arbitrary<number> {
  private readonly all: fc.Arbitrary<number>;
  constructor(private readonly bounds: [number, number]) {
    super();
    this.all = fc.integer({ min: bounds[0], max: bounds[1] });
  }
  generate(random: fc.Random, bias: number | undefined): fc.Value<number> {
    const pick = random.nextInt(0, 3);
    return pick < 2 ? new fc.Value(this.bounds[pick]!, undefined) : this.all.generate(random, bias);
  }
  canShrinkWithoutContext = (value: unknown): value is number => this.all.canShrinkWithoutContext(value);
  shrink = (value: number, context: unknown) => this.all.shrink(value, context);
}
const sized = <T>(min: number, max: number, make: (n: number) => fc.Arbitrary<T>) =>
  new Bounded([min, max]).chain(make);

// Text as it can travel in `where`. The client refuses non-ASCII header values (no header
// carries them) and header values with outer spaces (fetch would trim them): neither is
// generated here, both are tested on their own. "." and ".." in a path
// are dot segments the URL would drop: tested on their own.
const carried = (strings: fc.Arbitrary<string>, where: Where) =>
  where === 'header'
    ? strings.map((v) => v.replace(/^ | $/g, '_'))
    : strings.filter((v) => where !== 'path' || (v !== '.' && v !== '..'));
const replace = (list: unknown[], at: number, value: unknown) => list.map((item, i) => (i === at ? value : item));
const resolve = (s: Schema): Schema =>
  s.ref ? { ...resolve(schemas[s.ref]!), ...(s.nullable && { nullable: true }) } : s;

/** A valid value of `schema`, as it can travel in `where`. */
export function arbitraryFor(schema: Schema, where: Where = 'body'): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const value = nonNull(s, where);
  return s.nullable ? fc.option(value, { nil: null }) : value;
}

function nonNull(s: Schema, where: Where): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string': {
      const [min, unit] = [s.minLength ?? 0, where === 'header' ? ascii : char];
      const strings = sized(min, s.maxLength ?? min + EXTRA_LENGTH, (n) => text(n, n, unit));
      return carried(strings, where);
    }
    case 'integer':
    case 'number': {
      const [min, max] = [s.minimum ?? -MAX, s.maximum ?? MAX];
      if (s.type === 'integer') return new Bounded([min, max]);
      return fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const [min, item, keys] = [s.minItems ?? 0, arbitraryFor(s.items ?? {}, where), s.columnKeys];
      const array = (n: number) => fc.array(item, { minLength: n, maxLength: n });
      const lists = sized(min, s.maxItems ?? min + EXTRA_ITEMS, array);
      if (!keys) return lists;
      return fc.tuple(lists, fc.constantFrom(...keys)).map(([l, key]) => (l.length ? replace(l, 0, key) : l));
    }
    case 'object':
      return record(fieldsIn(s, where));
    default:
      return json;
  }
}

/** A key of a params object or of an object in it. `bare`: a body that is no object (`params.body`). */
type Field = { name: string; schema: Schema; where: Where; required: boolean; bare?: boolean };
const field = (name: string, schema: Schema, where: Where, required: boolean) => ({ name, schema, where, required });
const fieldsIn = (s: Schema, where: Where) =>
  Object.entries(s.properties ?? {}).map(([name, p]) => field(name, p, where, !!s.required?.includes(name)));
const record = (fields: Field[]) =>
  fc.record(Object.fromEntries(fields.map((f) => [f.name, arbitraryFor(f.schema, f.where)])), {
    requiredKeys: fields.filter((f) => f.required).map((f) => f.name),
    noNullPrototype: true,
  }) as fc.Arbitrary<Params>;

/** What a method's params object holds: the parameters and the body's fields, side by side. */
function fieldsOf(op: Operation): Field[] {
  const { body } = op;
  const bare = body && { ...field('body', body.schema, 'body', body.required), bare: true };
  const inBody: Field[] = body?.fields ? fieldsIn(resolve(body.schema), 'body') : bare ? [bare] : [];
  // A parameter with a client default (project_id, region) is never missing.
  return [...op.params.map((p) => field(p.name, p.schema, p.in, p.required && !p.option)), ...inBody];
}

export const validParams = (op: Operation): fc.Arbitrary<Params> => record(fieldsOf(op));

/** Params breaking one rule each: one per key (or item, or nested property) and rule. */
export function breaks(op: Operation): Break[] {
  const fields = fieldsOf(op);
  // At the top a key that is no field is the client's `unknown`; toHttp puts it where a
  // misplaced field would go: into a body with fields (closed), else into the query.
  const unknown = { rule: 'unknown', gap: op.body?.fields ? undefined : GAPS.unknownKey };
  return objectBreaks(record(fields), fields, unknown);
}

type Unknown = { rule: string; gap?: string | undefined };
/** Breaks of objects (`base`) with these fields: within each, each missing, an unknown key if `unknown`. */
function objectBreaks(base: fc.Arbitrary<Params>, fields: Field[], unknown?: Unknown, path = (n: string) => n) {
  const out: Break[] = [];
  for (const f of fields) {
    // The client reports the body's own problems from the top: paths as in any body, no `body`.
    const at = (inner: string) => (f.bare ? inner.replace(/^\./, '') : path(f.name) + inner);
    for (const b of valueBreaks(f.schema, f.where)) {
      // Null, like undefined, is the client's "left out" for a parameter or a whole body.
      const value = f.bare ? b.broken.filter((v) => v.value !== null) : b.broken;
      const broken = fc.tuple(base, value).map(([o, v]) => ({ value: { ...o, [f.name]: v.value }, at: at(v.at) }));
      out.push({ ...b, label: path(f.name) + b.label, broken });
    }
    const without = ({ [f.name]: _, ...rest }: Params) => ({ value: rest, at: path(f.name) });
    if (f.required) out.push({ label: `${path(f.name)}: missing`, rule: 'required', broken: base.map(without) });
  }
  if (unknown) {
    // Never `body`: on an operation without a body the client takes it for one (a bug, see the test).
    const name = text(0, 12, ascii).filter((k) => k !== 'body' && !fields.some((f) => f.name === k));
    const broken = fc.tuple(base, name, json).map(([o, k, v]) => ({ value: { ...o, [k]: v }, at: path(k) }));
    out.push({ ...unknown, label: `${path('*')}: unknown key`, broken });
  }
  return out;
}

/** Values of `schema` that break exactly one of its rules (or one rule below it). */
function valueBreaks(schema: Schema, where: Where): Break[] {
  const s = resolve(schema);
  const { enum: allowed, nullable: _, ...plain } = s;
  // A valid value with some rules changed; without the enum, which would win over them.
  const like = (changes: Partial<Schema>) => arbitraryFor({ ...plain, ...changes }, where);
  const out: Break[] = [];
  const add = (label: string, rule: string, value: fc.Arbitrary<unknown>, gap?: string) =>
    out.push({ label: `: ${label}`, rule, gap, broken: value.map((v) => ({ value: v, at: '' })) });
  const numeric = s.type === 'integer' || s.type === 'number';
  // Prism reads an empty query or header value as absent: that is one break of its own.
  const emptyIsAbsent = where === 'query' || where === 'header';

  if (where !== 'body') {
    // In a URL or header everything is text: only text no reading turns into the type is wrong.
    const words = carried(text(1, 12, ascii), where);
    const nan = words.filter((v) => Number.isNaN(Number(v)));
    if (numeric) add('wrong type', 'type', fc.oneof(fc.boolean(), nan));
    if (s.type === 'boolean')
      add(
        'wrong type',
        'type',
        words.filter((v) => v !== 'true' && v !== 'false'),
      );
  } else if (s.type) {
    const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
    const wrong = (v: unknown) => kind(v) !== (numeric ? 'number' : s.type) && !(v === null && s.nullable);
    add('wrong type', 'type', json.filter(wrong));
  }
  const outside = (v: unknown) => !allowed?.includes(v) && !(emptyIsAbsent && v === '');
  if (allowed) add('outside the enum', 'enum', like({}).filter(outside));
  if (s.type === 'string') {
    const { minLength: least = 0, maxLength: most } = s;
    if (emptyIsAbsent && least) add('empty value', 'minLength', fc.constant(''), GAPS.empty);
    const lo = emptyIsAbsent ? 1 : 0;
    if (least > lo) add('below minLength', 'minLength', like({ minLength: lo, maxLength: least - 1 }));
    if (most !== undefined) add('above maxLength', 'maxLength', like({ minLength: most + 1, maxLength: most + 8 }));
  }
  if (numeric) {
    if (s.minimum !== undefined) add('below minimum', 'minimum', like({ minimum: -MAX, maximum: s.minimum - 1 }));
    if (s.maximum !== undefined) add('above maximum', 'maximum', like({ minimum: s.maximum + 1, maximum: MAX }));
    // NaN and the infinities too (unless null is allowed): JSON writes them as null, the URL as words.
    const odd = s.nullable ? fc.double({ noNaN: true, noDefaultInfinity: true }) : fc.double();
    const fraction = odd.filter((x) => !Number.isInteger(x));
    if (s.type === 'integer') add('not a whole number', 'integer', fraction);
    else if (!s.nullable) add('not a finite number', 'number', fc.constantFrom(Number.NaN, Infinity, -Infinity));
  }
  if (s.type === 'array') {
    const { minItems: least = 0, maxItems: most } = s;
    if (least) add('too few items', 'minItems', like({ minItems: 0, maxItems: least - 1 }));
    if (most !== undefined) add('too many items', 'maxItems', like({ minItems: most + 1, maxItems: most + 3 }));
    // The first item of a [key, title] pair is a key too: breaking an item there would break
    // two rules, so one after it is broken.
    const first = s.columnKeys ? 1 : 0;
    const some = like({ minItems: Math.max(least, first + 1) }) as fc.Arbitrary<unknown[]>;
    for (const b of valueBreaks(s.items ?? {}, where)) {
      const broken = fc.tuple(some, fc.nat(), b.broken).map(([list, i, { value, at }]) => {
        const k = first + (i % (list.length - first));
        return { value: replace(list, k, value), at: `[${k}]${at}` };
      });
      out.push({ ...b, label: `[*]${b.label}`, broken });
    }
    const keys = s.columnKeys;
    if (keys) {
      const key = arbitraryFor(s.items ?? {}, where).filter((k) => typeof k === 'string' && !keys.includes(k));
      const broken = fc.tuple(some, key).map(([list, k]) => ({ value: replace(list, 0, k), at: '[0]' }));
      out.push({ label: '[0]: unknown column key', rule: 'columnKeys', gap: GAPS.columnKeys, broken });
    }
  }
  if (s.type === 'object') {
    const closed = s.additionalProperties === false ? { rule: 'additionalProperties' } : undefined;
    out.push(...objectBreaks(like({}) as fc.Arbitrary<Params>, fieldsIn(s, where), closed, (name) => `.${name}`));
  }
  return out;
}

/**
 * The raw HTTP request `params` stand for, from the operation's data as the client documents
 * it: client defaults filled in, path values encodeURIComponent'ed, query values form-encoded,
 * header values as text, the rest JSON in the body.
 */
export function toHttp(op: Operation, params: Params, endpoint: string, defaults: Params) {
  const rest = { ...params };
  const values: Params = {};
  const headers: Record<string, string> = {};
  const query = new URLSearchParams();
  for (const p of op.params) {
    const v = rest[p.name] ?? (p.option && defaults[p.option]);
    values[p.name] = v;
    delete rest[p.name];
    if (v != null && p.in === 'query') for (const item of [v].flat()) query.append(p.name, String(item));
    if (v != null && p.in === 'header') headers[p.name.toLowerCase()] = String(v);
  }
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name] ?? '')));
  const given = Object.entries(rest).filter(([, v]) => v !== undefined);
  // A key that is no parameter goes where a misplaced field would: the body, if it has fields.
  const extra = op.body?.fields ? [] : given.filter(([name]) => !(name === 'body' && op.body));
  for (const [name, v] of extra) query.append(name, String(v));
  const fields = given.length || op.body?.required ? Object.fromEntries(given) : undefined;
  const body = op.body?.fields ? fields : op.body && rest.body;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = `${endpoint}${path}${query.size ? `?${query}` : ''}`;
  return { url, method: op.method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}
