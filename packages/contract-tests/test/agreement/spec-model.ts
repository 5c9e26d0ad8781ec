// Turns the client's generated request rules (the same JSON Schema subset that
// packages/client/src/validation.ts interprets) into fast-check arbitraries: requests that
// satisfy every rule, and edits that break exactly one rule. Nothing here knows the
// operations by name, so a new field, bound or enum value in the spec is tested as soon
// as `pnpm build` regenerates the rules.
import fc from 'fast-check';
// Not exported by @hss-export/client: vitest compiles the generated TypeScript directly.
import { operations } from '../../client/src/generated/spec-rules.js';
// The rule shapes are the client validator's own, so both read the generated rules alike.
import type { Rule, Schema } from '../../client/src/validation.js';

export type OperationId = keyof typeof operations;
export type Location = 'path' | 'query' | 'header';

export type { Schema };

export interface OperationRules {
  readonly method: string;
  readonly path: string;
  readonly params: { readonly [location in Location]: { readonly [name: string]: Rule } };
  readonly body?: Rule;
}

export const rules = operations as unknown as { readonly [op in OperationId]: OperationRules };
export const operationIds = Object.keys(rules) as OperationId[];

/** Every keyword below is generated and broken; any other one must fail the suite, not be skipped. */
export const KNOWN_KEYWORDS = new Set([
  'type',
  'format',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'enum',
  'columnKeys',
]);

/** A request as the spec sees it: parameters by their spec name, and the JSON body. */
export interface ApiRequest {
  params: Record<string, unknown>;
  body?: unknown;
}

// Two Prism 5.14.2 bugs take the mock process down, and with it every later case, so the
// generated text steers clear of them (both reported; neither concerns the client):
// - Prism's CLI passes each of its JSON log lines, which quote the request, through
//   `jsonrepair`, which mangles valid JSON holding `[`, `]`, `{` or `}` inside a string
//   (about one request in five, with all characters); now and then the mangled line
//   crashes the log printer. Those four characters are never generated.
// - Prism names an unknown property in its sl-violations header, and Node throws on a
//   header value outside Latin-1. Unknown property names are printable ASCII.
const NOT_GENERATED = new Set(['[', ']', '{', '}']);
const printable = fc
  .integer({ min: 0x20, max: 0x7e })
  .map((c) => String.fromCharCode(c))
  .filter((c) => !NOT_GENERATED.has(c));
// Mostly printable ASCII (readable counter-examples), plus any Unicode scalar value so that
// length bounds are checked in code points on both sides. Lone surrogates are left out:
// fetch would send them as U+FFFD, so the mock would never see the string the client checked.
const char = fc.oneof(
  { weight: 3, arbitrary: printable },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 0x10ffff })
      .filter((c) => (c < 0xd800 || c > 0xdfff) && !NOT_GENERATED.has(String.fromCodePoint(c)))
      .map((c) => String.fromCodePoint(c)),
  },
);
export const text = (minLength: number, maxLength: number) => fc.string({ unit: char, minLength, maxLength });
const asciiText = (minLength: number, maxLength: number) => fc.string({ unit: printable, minLength, maxLength });
const anyJson = () => fc.jsonValue({ stringUnit: char, maxDepth: 3 });

// Caps for what the spec leaves unbounded: long values add run time, not coverage.
const UNBOUNDED_LENGTH = 16;
const UNBOUNDED_ITEMS = 5;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Random sizes, with the exact bounds drawn often, since that is where the two sides can differ. */
function edgeBiased<T>(min: number, max: number, make: (lo: number, hi: number) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 4, arbitrary: make(min, max) },
    { weight: 1, arbitrary: make(min, min) },
    { weight: 1, arbitrary: make(max, max) },
  );
}

const safeInteger = (min: number, max: number) => fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);

function integerRange(schema: Schema): [number, number] {
  // int64 stops at 2^53 - 1 here: larger JSON numbers have no exact JS value, and Prism's
  // int64 format check rejects them although the client lets them through.
  const [lo, hi] = schema.format === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : [-MAX_SAFE, MAX_SAFE];
  return [schema.minimum ?? lo, schema.maximum ?? hi];
}

/** Where a value travels: path and query values are text in the URL, the body is JSON. */
export type Carrier = Location | 'body';

export function validValue(schema: Schema, carrier: Carrier): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string': {
      if (schema.enum) return fc.constantFrom(...schema.enum);
      const min = schema.minLength ?? 0;
      const arb = edgeBiased(min, schema.maxLength ?? min + UNBOUNDED_LENGTH, text);
      // "." and ".." are valid by the spec, but as path parameters they are dot segments that
      // URL parsing removes, so the client's request reaches another path (project ID ".."
      // sends /v5/../container/export-task as /container/export-task and gets a 404). A client
      // bug, reported; left out here until the client refuses them.
      return carrier === 'path' ? arb.filter((s) => s !== '.' && s !== '..') : arb;
    }
    case 'integer': {
      const [min, max] = integerRange(schema);
      return fc.oneof(
        { weight: 4, arbitrary: safeInteger(min, max) },
        { weight: 1, arbitrary: fc.constantFrom(min, max) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = validValue(schema.items ?? {}, carrier);
      const min = schema.minItems ?? 0;
      const list = fc.array(item, { minLength: min, maxLength: schema.maxItems ?? min + UNBOUNDED_ITEMS });
      const keys = schema.columnKeys;
      if (!keys) return list;
      return fc.tuple(list, fc.constantFrom(...keys)).map(([l, key]) => (l.length ? [key, ...l.slice(1)] : l));
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, sub]) => [name, validValue(sub, carrier)]),
      );
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])], noNullPrototype: true });
    }
    default:
      throw new Error(
        `agreement-tests cannot generate schema type ${JSON.stringify(schema.type)}: extend spec-model.ts`,
      );
  }
}

/** Smallest valid value: fills a missing container on the way to a nested value to break. */
export function minimalValue(schema: Schema): unknown {
  switch (schema.type) {
    case 'string':
      return schema.enum ? schema.enum[0] : 'x'.repeat(schema.minLength ?? 0);
    case 'integer':
      return Math.max(schema.minimum ?? 0, Math.min(0, schema.maximum ?? 0));
    case 'boolean':
      return false;
    case 'array': {
      const list = Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items ?? {}));
      if (schema.columnKeys && list.length) list[0] = schema.columnKeys[0];
      return list;
    }
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name) => [name, minimalValue(schema.properties![name]!)]));
    default:
      throw new Error(`agreement-tests has no minimal value for schema type ${JSON.stringify(schema.type)}`);
  }
}

/**
 * Parameters the client has no way to send are left out of generated requests; the test
 * names them (and why) and checks that nothing else is left out.
 */
export function validRequest(
  op: OperationId,
  sendable: (location: Location, name: string) => boolean,
): fc.Arbitrary<ApiRequest> {
  const operation = rules[op];
  const params: Record<string, fc.Arbitrary<unknown>> = {};
  for (const location of ['path', 'query', 'header'] as const) {
    for (const [name, rule] of Object.entries(operation.params[location])) {
      if (!sendable(location, name)) continue;
      const arb = validValue(rule.schema, location);
      params[name] = rule.required ? arb : fc.option(arb, { nil: undefined });
    }
  }
  const body = operation.body
    ? operation.body.required
      ? validValue(operation.body.schema, 'body')
      : fc.option(validValue(operation.body.schema, 'body'), { nil: undefined })
    : fc.constant(undefined);
  return fc.record({ params: fc.record(params), body });
}

// ---------------------------------------------------------------------------------------
// Breaking one rule at a time.

export const ITEM = Symbol('any item of the array');
export const REMOVE = Symbol('remove the value');
type Segment = string | typeof ITEM;

/** A value inside a request: a parameter, or a place in the body. */
export interface Site {
  carrier: Carrier;
  /** Parameter name; undefined for the body. */
  name?: string;
  /** Below the parameter or body: property names and ITEM. */
  path: readonly Segment[];
  /** Schemas of `path`'s containers, outermost first, then the schema at `path`. */
  schemas: readonly Schema[];
}

export interface Edit {
  /** Concrete path below the site: ITEM resolved at apply time from `index`. */
  path: readonly Segment[];
  index: number;
  value: unknown;
}

export interface Mutation {
  op: OperationId;
  /** e.g. `body.export_headers[*][1]: below minLength` */
  label: string;
  site: Site;
  /** The ValidationProblem.rule the client must report. */
  rule: string;
  edit: fc.Arbitrary<Edit>;
  /** null when the mock must reject; otherwise why the spec cannot make Prism reject it. */
  mockAccepts: (value: unknown) => string | null;
  /** Every generated value is one only the client refuses (a documented gap). */
  clientOnly: boolean;
}

const kindOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

export function siteLabel(site: Site): string {
  const head = site.carrier === 'body' ? 'body' : `${site.carrier}.${site.name}`;
  return head + site.path.map((s) => (s === ITEM ? '[*]' : /^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('');
}

/** Every site of an operation that the client can send, with its schema chain. */
export function sites(op: OperationId, sendable: (location: Location, name: string) => boolean): Site[] {
  const operation = rules[op];
  const out: Site[] = [];
  const walk = (site: Site): void => {
    out.push(site);
    const schema = site.schemas.at(-1)!;
    if (schema.type === 'object') {
      for (const [name, sub] of Object.entries(schema.properties ?? {})) {
        walk({ ...site, path: [...site.path, name], schemas: [...site.schemas, sub] });
      }
    } else if (schema.type === 'array' && schema.items) {
      walk({ ...site, path: [...site.path, ITEM], schemas: [...site.schemas, schema.items] });
    }
  };
  for (const location of ['path', 'query', 'header'] as const) {
    for (const [name, rule] of Object.entries(operation.params[location])) {
      if (sendable(location, name)) walk({ carrier: location, name, path: [], schemas: [rule.schema] });
    }
  }
  if (operation.body) walk({ carrier: 'body', path: [], schemas: [operation.body.schema] });
  return out;
}

const QUERY_EMPTY =
  'Prism treats an empty query value (`?name=`) as an absent parameter, so a minLength of 1 on a ' +
  'query parameter is enforced by the client only';
const COLUMN_KEYS =
  'OpenAPI 3.0 has no tuple type: the allowed first element of each [key, title] pair lives in ' +
  '`x-hss-column-keys`, which only the client enforces; Prism sees an array of two strings';

/** The edits that break each rule of the spec, one mutation per (site, rule). */
export function mutations(op: OperationId, sendable: (location: Location, name: string) => boolean): Mutation[] {
  const operation = rules[op];
  const out: Mutation[] = [];
  for (const site of sites(op, sendable)) {
    const schema = site.schemas.at(-1)!;
    const top = site.path.length === 0;
    const inUrl = site.carrier !== 'body';
    const rejectsUnlessEmptyQuery = (value: unknown) => (site.carrier === 'query' && value === '' ? QUERY_EMPTY : null);
    const add = (
      kind: string,
      rule: string,
      value: fc.Arbitrary<unknown>,
      options: {
        at?: (path: Segment[]) => fc.Arbitrary<Segment[]>;
        mockAccepts?: Mutation['mockAccepts'];
        clientOnly?: boolean;
      } = {},
    ) => {
      const path = options.at ? options.at([...site.path]) : fc.constant([...site.path]);
      out.push({
        op,
        label: `${siteLabel(site)}: ${kind}`,
        site,
        rule,
        edit: fc.record({ path, index: fc.nat(), value }),
        mockAccepts: options.mockAccepts ?? rejectsUnlessEmptyQuery,
        clientOnly: options.clientOnly ?? false,
      });
    };

    if (top) {
      const required =
        site.carrier === 'body' ? operation.body!.required : operation.params[site.carrier][site.name!]!.required;
      if (required) add('missing', 'required', fc.constant(REMOVE));
    }

    // Wrong type. In the URL every value is text, and text that spells a number is a number
    // there, so only values no reading can turn into the schema's type are wrong on the wire.
    if (inUrl) {
      if (schema.type === 'integer') {
        add(
          'wrong type',
          'type',
          fc.oneof(
            fc.boolean(),
            text(1, 12).filter((s) => Number.isNaN(Number(s))),
          ),
        );
      } else if (schema.type === 'boolean') {
        add(
          'wrong type',
          'type',
          fc.oneof(
            safeInteger(-MAX_SAFE, MAX_SAFE),
            text(1, 12).filter((s) => s !== 'true' && s !== 'false'),
          ),
        );
      }
      // A string parameter cannot be of the wrong type in a URL.
    } else {
      const wrong = anyJson()
        .filter(
          (v) =>
            kindOf(v) !== (schema.type === 'integer' ? 'number' : schema.type) &&
            !(schema.type === 'integer' && typeof v === 'number'),
        )
        // null is the client's way of saying "absent" for the body as a whole.
        .filter((v) => !(top && v === null));
      add('wrong type', 'type', wrong);
    }

    switch (schema.type) {
      case 'string':
        if ((schema.minLength ?? 0) > 0) {
          add('below minLength', 'minLength', text(0, schema.minLength! - 1), {
            clientOnly: site.carrier === 'query' && schema.minLength === 1,
          });
        }
        if (schema.maxLength !== undefined)
          add('above maxLength', 'maxLength', text(schema.maxLength + 1, schema.maxLength + 8));
        if (schema.enum) {
          const allowed = schema.enum;
          add(
            'outside the enum',
            'enum',
            text(0, 16).filter((v) => !allowed.includes(v)),
          );
        }
        break;
      case 'integer': {
        if (schema.minimum !== undefined) add('below minimum', 'minimum', safeInteger(-MAX_SAFE, schema.minimum - 1));
        if (schema.maximum !== undefined) add('above maximum', 'maximum', safeInteger(schema.maximum + 1, MAX_SAFE));
        // NaN and the infinities included: JSON turns them into null, the URL into words.
        add(
          'not a whole number',
          'integer',
          fc.double().filter((x) => !Number.isInteger(x)),
        );
        break;
      }
      case 'array': {
        const item = validValue(schema.items ?? {}, site.carrier);
        if ((schema.minItems ?? 0) > 0)
          add('too few items', 'minItems', fc.array(item, { maxLength: schema.minItems! - 1 }));
        if (schema.maxItems !== undefined) {
          add(
            'too many items',
            'maxItems',
            fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 3 }),
          );
        }
        if (schema.columnKeys) {
          const keys = schema.columnKeys;
          const itemSchema = schema.items ?? {};
          add(
            'unknown column key',
            'columnKeys',
            text(Math.max(itemSchema.minLength ?? 0, 1), 24).filter((k) => !keys.includes(k)),
            { at: (path) => fc.constant([...path, '0']), mockAccepts: () => COLUMN_KEYS, clientOnly: true },
          );
        }
        break;
      }
      case 'object': {
        for (const name of schema.required ?? []) {
          add(`missing required ${name}`, 'required', fc.constant(REMOVE), {
            at: (path) => fc.constant([...path, name]),
          });
        }
        if (schema.additionalProperties === false) {
          const known = schema.properties ?? {};
          add('unknown property', 'additionalProperties', anyJson(), {
            at: (path) =>
              asciiText(0, 12)
                .filter((k) => !Object.hasOwn(known, k))
                .map((k) => [...path, k]),
          });
        }
        break;
      }
    }
  }
  return out;
}

/** Sets (or removes) the value at a body path, creating missing containers minimally. */
function setIn(
  root: unknown,
  schemas: readonly Schema[],
  path: readonly Segment[],
  index: number,
  value: unknown,
): { root: unknown; at: string } {
  if (path.length === 0) return { root: value, at: '' };
  const container = (root ?? minimalValue(schemas[0]!)) as Record<string, unknown> | unknown[];
  const [head, ...rest] = path;
  let key: string | number;
  if (head === ITEM) {
    const list = container as unknown[];
    if (list.length === 0) list.push(minimalValue(schemas[1] ?? {}));
    key = index % list.length;
  } else {
    key = Array.isArray(container) ? Number(head) : head!;
  }
  const child = (container as Record<string | number, unknown>)[key];
  const inner = setIn(child, schemas.slice(1), rest, index, value);
  if (inner.root === REMOVE) {
    delete (container as Record<string | number, unknown>)[key];
  } else {
    // defineProperty: a generated property name such as "__proto__" must become an own
    // property, as it is when the mock parses the JSON.
    Object.defineProperty(container, key, { value: inner.root, enumerable: true, writable: true, configurable: true });
  }
  return { root: container, at: `${typeof key === 'number' ? `[${key}]` : `.${key}`}${inner.at}` };
}

/** Applies an edit to a copy of `request`; `at` is the ValidationProblem path the client must report. */
export function applyEdit(request: ApiRequest, site: Site, edit: Edit): { request: ApiRequest; at: string } {
  const copy: ApiRequest = structuredClone(request);
  if (site.carrier === 'body') {
    const { root, at } = setIn(copy.body, site.schemas, edit.path, edit.index, edit.value);
    copy.body = root === REMOVE ? undefined : root;
    return { request: copy, at: `body${at}` };
  }
  copy.params[site.name!] = edit.value === REMOVE ? undefined : edit.value;
  return { request: copy, at: `${site.carrier}.${site.name}` };
}

/**
 * The HTTP request the generated client makes for `request`, built from the spec's
 * method and path template: null and undefined parameters are left out, path and query
 * values are encodeURIComponent(String(value)), the body is JSON.
 */
export function toHttp(op: OperationId, request: ApiRequest, baseUrl: string, headers: Record<string, string>) {
  const operation = rules[op];
  const present = (name: string) => request.params[name] != null;
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    present(name) ? encodeURIComponent(String(request.params[name])) : '',
  );
  const query = Object.keys(operation.params.query)
    .filter(present)
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(String(request.params[name]))}`)
    .join('&');
  const all: Record<string, string> = { ...headers };
  for (const name of Object.keys(operation.params.header)) if (present(name)) all[name] = String(request.params[name]);
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  if (body !== undefined) all['Content-Type'] = 'application/json';
  return {
    url: `${baseUrl}${path}${query ? `?${query}` : ''}`,
    init: { method: operation.method, headers: all, body },
  };
}

/** Every keyword used anywhere in the rules, to catch ones this model does not break. */
export function keywordsInRules(): Set<string> {
  const found = new Set<string>();
  const walk = (schema: Schema) => {
    for (const key of Object.keys(schema)) found.add(key);
    for (const sub of Object.values(schema.properties ?? {})) walk(sub);
    if (schema.items) walk(schema.items);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties);
  };
  for (const op of operationIds) {
    for (const location of ['path', 'query', 'header'] as const)
      for (const rule of Object.values(rules[op].params[location])) walk(rule.schema);
    if (rules[op].body) walk(rules[op].body!.schema);
  }
  return found;
}
