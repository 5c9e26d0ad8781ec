// Compares two versions of the OpenAPI 3.0 spec and grades every change by the release it
// needs: `breaking` (major), `additive` (minor), `patch`, or `info` (no release needed).
//
// Two sources of findings, both always run:
//
// 1. openapi-diff (the library): paths and methods added or removed, and a set-theoretic
//    diff of JSON request and response bodies (type, required, properties,
//    additionalProperties, numeric and length bounds, allOf/anyOf/oneOf/not), response
//    status codes and response headers. It reports *that* a body accepts or returns a
//    different set of values, at the level of the whole body schema.
//
// 2. The classifier below, for what the library does not see (its docs/OPENAPI3.md and
//    json-schema-diff's KEYWORDS.md list these as unsupported) and for which this SDK
//    needs a precise answer:
//      - parameters, all of them: removed, renamed, new required, optional → required,
//        and their schemas (a narrowed `maximum` on a query parameter is invisible to the
//        library);
//      - `enum` values (the library ignores `enum`), `pattern`, `format`, `multipleOf`,
//        `nullable`, `default`, and our own `x-hss-column-keys` (the client rejects keys
//        outside it, so removing one is breaking);
//      - requestBody `required`, media types;
//      - operationId and tags, which name the generated method and API class, and the
//        names of components/schemas, which name the exported types: a rename breaks
//        callers even when the HTTP contract is identical;
//      - servers and server-variable enums (the client's region table comes from them);
//      - security requirements;
//      - and, for body schemas the library also covers, the field-level location and
//        before → after values, so a failure says `pod_name: maxLength 512 → 128`
//        rather than "some request bodies are no longer accepted".
//    It deliberately does not interpret allOf/anyOf/oneOf/not: those are left to the
//    library, whose set-based diff handles them properly.
//
// Direction matters for schemas: a request schema is what callers send, so narrowing it
// breaks them and widening it is an addition; a response schema is what callers receive,
// so widening it (a longer string, a new enum value, a field that may be missing) is what
// can break them.
import openapiDiff from 'openapi-diff';
import { isDeepStrictEqual } from 'node:util';

export const SEVERITIES = ['info', 'patch', 'additive', 'breaking'];
export const BUMP_FOR_SEVERITY = { info: 'none', patch: 'patch', additive: 'minor', breaking: 'major' };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Per the OpenAPI 3.0 spec these header parameters are ignored (they come from other fields).
const IGNORED_HEADER_PARAMS = new Set(['accept', 'content-type', 'authorization']);
// Keys that only document; a change to them alone ships no behaviour change to callers.
const DOC_KEYS = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'title']);

const show = (v) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

/** Resolves internal `$ref`s (`#/components/...`) into a plain tree; cycles keep their `$ref`. */
export function dereference(spec) {
  const resolvePointer = (ref) =>
    ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, key) => node?.[key], spec);
  const walk = (node, stack) => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      if (stack.includes(node.$ref)) return { $ref: node.$ref };
      const target = resolvePointer(node.$ref);
      if (target === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
      return walk(target, [...stack, node.$ref]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, stack)]));
  };
  return walk(spec, []);
}

/** The spec without documentation; keys of a `properties` map are field names, always kept. */
function stripDocs(node, fieldNames = false) {
  if (Array.isArray(node)) return node.map((n) => stripDocs(n));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => fieldNames || (!DOC_KEYS.has(k) && !(k.startsWith('x-') && k !== 'x-hss-column-keys')))
      .map(([k, v]) => [k, stripDocs(v, !fieldNames && k === 'properties')]),
  );
}

function operationsOf(spec) {
  const ops = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      // Path parameter names are part of the parameters, not of the operation's identity:
      // renaming {project_id} is reported as a parameter rename, not as a removed operation.
      const key = `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;
      const params = new Map();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (p.in === 'header' && IGNORED_HEADER_PARAMS.has(String(p.name).toLowerCase())) continue;
        params.set(`${p.in}:${p.name}`, p);
      }
      ops.set(key, {
        key,
        label: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        tags: op.tags ?? [],
        deprecated: !!op.deprecated,
        params,
        requestBody: op.requestBody,
        responses: op.responses ?? {},
        // Only an operation's own `security` is compared per operation; the inherited global
        // one is compared once, globally.
        ownSecurity: op.security,
      });
    }
  }
  return ops;
}

class Findings {
  list = [];
  add(severity, kind, location, before, after, note) {
    this.list.push({
      source: 'classifier',
      severity,
      kind,
      location,
      before: show(before),
      after: show(after),
      ...(note ? { note } : {}),
    });
  }
}

// --- schemas --------------------------------------------------------------------------

/** The severity of a narrowing and of a widening, for the direction data flows. */
function grade(dir) {
  return dir === 'request' ? { narrowed: 'breaking', widened: 'additive' } : { narrowed: 'patch', widened: 'breaking' };
}

/** `upper`: maximum-like bound (lower value = narrower); otherwise a minimum-like one. */
function compareBound(out, dir, loc, name, kinds, b, h, { upper, implicit, bEx = false, hEx = false }) {
  if (b === undefined && h === undefined) return;
  const bv = b ?? implicit;
  const hv = h ?? implicit;
  let change;
  if (bv === hv || (bv === undefined && hv === undefined)) {
    if (bEx !== hEx) change = hEx ? 'narrowed' : 'widened';
  } else if (bv === undefined) change = 'narrowed';
  else if (hv === undefined) change = 'widened';
  else change = (upper ? hv < bv : hv > bv) ? 'narrowed' : 'widened';
  if (!change) return;
  const fmt = (v, ex) => (v === undefined ? `no ${name}` : `${name} ${ex ? '(exclusive) ' : ''}${v}`);
  out.add(grade(dir)[change], change === 'narrowed' ? kinds[0] : kinds[1], loc, fmt(b, bEx), fmt(h, hEx));
}

function compareValueSet(out, dir, loc, name, kinds, b, h) {
  // kinds: [valueRemoved, valueAdded, setIntroduced, setDropped]
  if (!b && !h) return;
  if (!b) return out.add(dir === 'request' ? 'breaking' : 'patch', kinds[2], loc, `no ${name}`, `${name} ${show(h)}`);
  if (!h)
    return out.add(dir === 'request' ? 'additive' : 'breaking', kinds[3], loc, `${name} ${show(b)}`, `no ${name}`);
  const removed = b.filter((v) => !h.some((w) => isDeepStrictEqual(v, w)));
  const added = h.filter((v) => !b.some((w) => isDeepStrictEqual(v, w)));
  // Long lists (the region table) are summarised; the note names the values that changed.
  const list = (values) => (values.length > 8 ? `[${values.length} values]` : show(values));
  if (removed.length) {
    out.add(
      dir === 'request' ? 'breaking' : 'patch',
      kinds[0],
      loc,
      `${name} ${list(b)}`,
      `${name} ${list(h)}`,
      `removed: ${removed.map(show).join(', ')}`,
    );
  }
  if (added.length) {
    // A new value in a response can still break a caller's exhaustive switch; we grade it as
    // an addition (minor), which is what changesets and semver expect for new values.
    out.add(
      'additive',
      kinds[1],
      loc,
      `${name} ${list(b)}`,
      `${name} ${list(h)}`,
      `added: ${added.map(show).join(', ')}`,
    );
  }
}

const COMPOSITION = ['allOf', 'anyOf', 'oneOf', 'not'];

export function compareSchema(out, dir, loc, b, h) {
  if (!b && !h) return;
  if (!b || !h) {
    // A schema appearing constrains what was unconstrained, and vice versa.
    const severity = dir === 'request' ? (b ? 'additive' : 'breaking') : b ? 'breaking' : 'patch';
    return out.add(
      severity,
      b ? 'schema-removed' : 'schema-added',
      loc,
      b ? 'schema' : 'no schema',
      h ? 'schema' : 'no schema',
    );
  }
  if (b.$ref || h.$ref) {
    if (b.$ref !== h.$ref) out.add('breaking', 'type-changed', loc, b.$ref ?? b.type, h.$ref ?? h.type);
    return;
  }
  if (COMPOSITION.some((k) => b[k] !== undefined || h[k] !== undefined)) {
    // Left to openapi-diff (see the header comment); recorded so the report says so.
    if (!isDeepStrictEqual(stripDocs(b), stripDocs(h))) {
      out.add('info', 'composition-changed', loc, 'allOf/anyOf/oneOf/not', 'changed', 'graded by openapi-diff');
    }
    return;
  }
  const g = grade(dir);
  if ((b.type ?? null) !== (h.type ?? null)) {
    // Also changes the generated TypeScript type, so it is breaking in either direction.
    return out.add('breaking', 'type-changed', loc, `type ${show(b.type)}`, `type ${show(h.type)}`);
  }
  if ((b.format ?? null) !== (h.format ?? null)) {
    // typescript-fetch maps formats to types (date-time → Date, binary → Blob), so a format
    // change can change the generated type even when `type` is the same.
    out.add('breaking', 'format-changed', loc, `format ${show(b.format)}`, `format ${show(h.format)}`);
  }
  if (!!b.nullable !== !!h.nullable) {
    const widened = !!h.nullable;
    out.add(
      widened ? g.widened : g.narrowed,
      widened ? 'nullable-added' : 'nullable-removed',
      loc,
      `nullable ${!!b.nullable}`,
      `nullable ${!!h.nullable}`,
    );
  }
  compareValueSet(
    out,
    dir,
    loc,
    'enum',
    ['enum-value-removed', 'enum-value-added', 'enum-added', 'enum-removed'],
    b.enum,
    h.enum,
  );
  compareValueSet(
    out,
    dir,
    loc,
    'x-hss-column-keys',
    ['column-key-removed', 'column-key-added', 'column-keys-added', 'column-keys-removed'],
    b['x-hss-column-keys'],
    h['x-hss-column-keys'],
  );
  compareBound(out, dir, loc, 'maximum', ['maximum-narrowed', 'maximum-widened'], b.maximum, h.maximum, {
    upper: true,
    bEx: !!b.exclusiveMaximum,
    hEx: !!h.exclusiveMaximum,
  });
  compareBound(out, dir, loc, 'minimum', ['minimum-raised', 'minimum-lowered'], b.minimum, h.minimum, {
    upper: false,
    bEx: !!b.exclusiveMinimum,
    hEx: !!h.exclusiveMinimum,
  });
  compareBound(out, dir, loc, 'maxLength', ['max-length-narrowed', 'max-length-widened'], b.maxLength, h.maxLength, {
    upper: true,
  });
  compareBound(out, dir, loc, 'minLength', ['min-length-raised', 'min-length-lowered'], b.minLength, h.minLength, {
    upper: false,
    implicit: 0,
  });
  compareBound(out, dir, loc, 'maxItems', ['max-items-narrowed', 'max-items-widened'], b.maxItems, h.maxItems, {
    upper: true,
  });
  compareBound(out, dir, loc, 'minItems', ['min-items-raised', 'min-items-lowered'], b.minItems, h.minItems, {
    upper: false,
    implicit: 0,
  });
  if (!!b.uniqueItems !== !!h.uniqueItems) {
    out.add(
      h.uniqueItems ? g.narrowed : g.widened,
      'unique-items-changed',
      loc,
      `uniqueItems ${!!b.uniqueItems}`,
      `uniqueItems ${!!h.uniqueItems}`,
    );
  }
  for (const key of ['pattern', 'multipleOf']) {
    if (b[key] === h[key]) continue;
    // Whether one regex (or divisor) accepts a superset of another is not decidable here,
    // so any change other than removing the constraint counts as a narrowing.
    const change = h[key] === undefined ? 'widened' : 'narrowed';
    out.add(
      g[change],
      `${key === 'pattern' ? 'pattern' : 'multiple-of'}-changed`,
      loc,
      `${key} ${show(b[key])}`,
      `${key} ${show(h[key])}`,
    );
  }
  if (dir === 'request' && !isDeepStrictEqual(b.default, h.default)) {
    // Callers who leave the value out get whatever the default says: changing it changes
    // their results without any change on their side. Adding or dropping one only documents.
    const changed = b.default !== undefined && h.default !== undefined;
    out.add(
      changed ? 'breaking' : 'patch',
      'default-changed',
      loc,
      `default ${show(b.default)}`,
      `default ${show(h.default)}`,
    );
  }
  if (b.items || h.items) compareSchema(out, dir, `${loc}[]`, b.items, h.items);
  if (b.type === 'object' || b.properties || h.properties) compareObject(out, dir, loc, b, h);
}

function compareObject(out, dir, loc, b, h) {
  const bp = b.properties ?? {};
  const hp = h.properties ?? {};
  const bReq = new Set(b.required ?? []);
  const hReq = new Set(h.required ?? []);
  const at = (name) => (loc.endsWith('body') ? `${loc} › ${name}` : `${loc}.${name}`);
  let removed = Object.keys(bp).filter((k) => !(k in hp));
  let added = Object.keys(hp).filter((k) => !(k in bp));
  if (
    removed.length === 1 &&
    added.length === 1 &&
    isDeepStrictEqual(stripDocs(bp[removed[0]]), stripDocs(hp[added[0]]))
  ) {
    out.add('breaking', 'field-renamed', at(removed[0]), removed[0], added[0]);
    removed = [];
    added = [];
  }
  for (const name of removed) {
    out.add(
      'breaking',
      dir === 'request' ? 'request-field-removed' : 'response-field-removed',
      at(name),
      name,
      '(removed)',
    );
  }
  for (const name of added) {
    if (dir === 'response') out.add('additive', 'response-field-added', at(name), '(none)', name);
    else if (hReq.has(name)) out.add('breaking', 'required-field-added', at(name), '(none)', `${name} (required)`);
    else out.add('additive', 'optional-field-added', at(name), '(none)', `${name} (optional)`);
  }
  for (const name of Object.keys(bp).filter((k) => k in hp)) {
    if (bReq.has(name) !== hReq.has(name)) {
      const nowRequired = hReq.has(name);
      if (dir === 'request') {
        out.add(
          nowRequired ? 'breaking' : 'additive',
          nowRequired ? 'field-became-required' : 'field-became-optional',
          at(name),
          nowRequired ? 'optional' : 'required',
          nowRequired ? 'required' : 'optional',
        );
      } else {
        out.add(
          nowRequired ? 'patch' : 'breaking',
          nowRequired ? 'response-field-became-required' : 'response-field-became-optional',
          at(name),
          nowRequired ? 'optional' : 'required',
          nowRequired ? 'required' : 'optional',
        );
      }
    }
    compareSchema(out, dir, at(name), bp[name], hp[name]);
  }
  // `additionalProperties`: absent or true = open, false = closed, a schema = constrained.
  const ap = (s) =>
    s.additionalProperties === undefined || s.additionalProperties === true
      ? 'open'
      : s.additionalProperties === false
        ? 'closed'
        : s.additionalProperties;
  const ba = ap(b);
  const ha = ap(h);
  if (typeof ba === 'object' && typeof ha === 'object') return compareSchema(out, dir, `${loc}{*}`, ba, ha);
  if (isDeepStrictEqual(ba, ha)) return;
  const rank = (v) => (v === 'open' ? 2 : v === 'closed' ? 0 : 1);
  const tightened = rank(ha) < rank(ba);
  const label = (v) => `additionalProperties ${v === 'open' ? 'true' : v === 'closed' ? 'false' : 'schema'}`;
  // In responses, extra keys don't break callers (the generated types only gain an index
  // signature), so loosening there is a patch rather than a break.
  const severity = dir === 'request' ? (tightened ? 'breaking' : 'additive') : 'patch';
  out.add(
    severity,
    tightened ? 'additional-properties-tightened' : 'additional-properties-loosened',
    loc,
    label(ba),
    label(ha),
  );
}

// --- operations -------------------------------------------------------------------------

function compareParams(out, op, b, h) {
  const removed = [...b.params.keys()].filter((k) => !h.params.has(k));
  const added = [...h.params.keys()].filter((k) => !b.params.has(k));
  const where = (p) => `${op} › ${p.in} parameter ${p.name}`;
  // One parameter gone and one new in the same place reads as a rename: report it as one.
  for (const loc of ['path', 'query', 'header', 'cookie']) {
    const r = removed.filter((k) => k.startsWith(`${loc}:`));
    const a = added.filter((k) => k.startsWith(`${loc}:`));
    if (r.length === 1 && a.length === 1) {
      const [bp, hp] = [b.params.get(r[0]), h.params.get(a[0])];
      out.add('breaking', 'parameter-renamed', where(bp), `${bp.in} ${bp.name}`, `${hp.in} ${hp.name}`);
      removed.splice(removed.indexOf(r[0]), 1);
      added.splice(added.indexOf(a[0]), 1);
    }
  }
  for (const k of removed)
    out.add('breaking', 'parameter-removed', where(b.params.get(k)), b.params.get(k).name, '(removed)');
  for (const k of added) {
    const p = h.params.get(k);
    if (p.required) out.add('breaking', 'required-parameter-added', where(p), '(none)', `${p.name} (required)`);
    else out.add('additive', 'optional-parameter-added', where(p), '(none)', `${p.name} (optional)`);
  }
  for (const k of [...b.params.keys()].filter((key) => h.params.has(key))) {
    const [bp, hp] = [b.params.get(k), h.params.get(k)];
    if (!!bp.required !== !!hp.required) {
      out.add(
        hp.required ? 'breaking' : 'additive',
        hp.required ? 'parameter-became-required' : 'parameter-became-optional',
        where(bp),
        bp.required ? 'required' : 'optional',
        hp.required ? 'required' : 'optional',
      );
    }
    compareSchema(out, 'request', where(bp), bp.schema, hp.schema);
  }
}

function compareRequestBody(out, op, b, h) {
  const loc = `${op} › request body`;
  if (!b && !h) return;
  if (!b)
    return out.add(
      h.required ? 'breaking' : 'additive',
      'request-body-added',
      loc,
      '(none)',
      h.required ? 'required body' : 'optional body',
    );
  if (!h) return out.add('breaking', 'request-body-removed', loc, 'body', '(none)');
  if (!!b.required !== !!h.required) {
    out.add(
      h.required ? 'breaking' : 'additive',
      h.required ? 'request-body-became-required' : 'request-body-became-optional',
      loc,
      `required ${!!b.required}`,
      `required ${!!h.required}`,
    );
  }
  compareContent(out, 'request', loc, b.content ?? {}, h.content ?? {});
}

function compareContent(out, dir, loc, b, h) {
  for (const type of Object.keys(b)) {
    if (!(type in h)) out.add('breaking', `${dir}-media-type-removed`, loc, type, '(removed)');
  }
  for (const type of Object.keys(h)) {
    if (!(type in b)) out.add(dir === 'request' ? 'additive' : 'patch', `${dir}-media-type-added`, loc, '(none)', type);
  }
  const single = Object.keys(b).length === 1 && Object.keys(h).length === 1;
  for (const type of Object.keys(b).filter((t) => t in h)) {
    compareSchema(out, dir, single ? loc : `${loc} (${type})`, b[type].schema, h[type].schema);
  }
}

function compareResponses(out, op, b, h) {
  // Added or removed status codes and headers are graded by openapi-diff.
  for (const code of Object.keys(b).filter((c) => c in h)) {
    compareContent(out, 'response', `${op} › ${code} response body`, b[code].content ?? {}, h[code].content ?? {});
  }
}

const securitySet = (reqs) => new Set(reqs.map((r) => Object.keys(r).sort().join(' + ') || '(anonymous)'));

function compareSecurity(out, loc, b, h) {
  const bs = securitySet(b);
  const hs = securitySet(h);
  for (const s of bs) if (!hs.has(s)) out.add('breaking', 'security-alternative-removed', loc, s, '(removed)');
  for (const s of hs) if (!bs.has(s)) out.add('additive', 'security-alternative-added', loc, '(none)', s);
}

function compareOperations(out, base, head) {
  const bOps = operationsOf(base);
  const hOps = operationsOf(head);
  const hById = new Map([...hOps.values()].filter((o) => o.operationId).map((o) => [o.operationId, o]));
  // Same operationId at a path or method that did not exist before: the operation moved.
  const movedTo = new Map();
  for (const [key, b] of bOps) {
    if (hOps.has(key)) continue;
    const h = b.operationId && hById.get(b.operationId);
    if (h && !bOps.has(h.key)) {
      out.add('breaking', 'operation-moved', `operation ${b.operationId}`, b.label, h.label);
      movedTo.set(key, h);
    } else {
      out.add(
        'breaking',
        'operation-removed',
        b.label,
        `${b.label} (${b.operationId ?? 'no operationId'})`,
        '(removed)',
      );
    }
  }
  const movedKeys = new Set([...movedTo.values()].map((h) => h.key));
  for (const [key, h] of hOps) {
    if (!bOps.has(key) && !movedKeys.has(key))
      out.add('additive', 'operation-added', h.label, '(none)', `${h.label} (${h.operationId ?? 'no operationId'})`);
  }
  const pairs = [...bOps.entries()].map(([key, b]) => [b, hOps.get(key) ?? movedTo.get(key)]).filter(([, h]) => h);
  for (const [b, h] of pairs) {
    const op = h.label;
    if (b.operationId !== h.operationId) {
      // The generated client names its method after the operationId.
      out.add(
        'breaking',
        'operation-renamed',
        op,
        `operationId ${show(b.operationId)}`,
        `operationId ${show(h.operationId)}`,
      );
    }
    if (!isDeepStrictEqual(b.tags, h.tags)) {
      // typescript-fetch names the API class after the first tag (ExportApi).
      out.add('breaking', 'operation-tags-changed', op, `tags ${show(b.tags)}`, `tags ${show(h.tags)}`);
    }
    if (b.deprecated !== h.deprecated)
      out.add('patch', 'operation-deprecation-changed', op, `deprecated ${b.deprecated}`, `deprecated ${h.deprecated}`);
    compareParams(out, op, b, h);
    compareRequestBody(out, op, b.requestBody, h.requestBody);
    compareResponses(out, op, b.responses, h.responses);
    if (b.ownSecurity || h.ownSecurity) {
      compareSecurity(
        out,
        `${op} › security`,
        b.ownSecurity ?? base.security ?? [],
        h.ownSecurity ?? head.security ?? [],
      );
    }
  }
}

function compareServers(out, base, head) {
  const bs = new Map((base.servers ?? []).map((s) => [s.url, s]));
  const hs = new Map((head.servers ?? []).map((s) => [s.url, s]));
  for (const url of bs.keys()) if (!hs.has(url)) out.add('breaking', 'server-removed', 'servers', url, '(removed)');
  for (const url of hs.keys()) if (!bs.has(url)) out.add('additive', 'server-added', 'servers', '(none)', url);
  for (const url of [...bs.keys()].filter((u) => hs.has(u))) {
    const bv = bs.get(url).variables ?? {};
    const hv = hs.get(url).variables ?? {};
    for (const name of new Set([...Object.keys(bv), ...Object.keys(hv)])) {
      const loc = `servers › ${url} › variable ${name}`;
      // Server variables are chosen by the caller (the client's `region` option), so they
      // behave like request values: a value removed breaks whoever used it.
      compareValueSet(
        out,
        'request',
        loc,
        'enum',
        [
          'server-variable-value-removed',
          'server-variable-value-added',
          'server-variable-enum-added',
          'server-variable-enum-removed',
        ],
        bv[name]?.enum,
        hv[name]?.enum,
      );
      if (bv[name]?.default !== hv[name]?.default)
        out.add('patch', 'server-variable-default-changed', loc, bv[name]?.default, hv[name]?.default);
    }
  }
}

function compareSecuritySchemes(out, base, head) {
  const b = base.components?.securitySchemes ?? {};
  const h = head.components?.securitySchemes ?? {};
  for (const name of Object.keys(b).filter((n) => n in h)) {
    const [bs, hs] = [stripDocs(b[name]), stripDocs(h[name])];
    if (!isDeepStrictEqual(bs, hs))
      out.add('breaking', 'security-scheme-changed', `components › securitySchemes › ${name}`, bs, hs);
  }
}

/**
 * Every schema under components/schemas becomes an exported type of @hss-export/types (and
 * of the client), named after its key. Operations are compared dereferenced, so a renamed
 * or removed model is invisible there, and to openapi-diff: this is the only place that sees it.
 */
function compareModels(out, base, head) {
  const b = base.components?.schemas ?? {};
  const h = head.components?.schemas ?? {};
  let removed = Object.keys(b).filter((n) => !(n in h));
  let added = Object.keys(h).filter((n) => !(n in b));
  for (const name of [...removed]) {
    const twin = added.find((a) => isDeepStrictEqual(stripDocs(b[name]), stripDocs(h[a])));
    if (!twin) continue;
    out.add('breaking', 'model-renamed', 'components › schemas', name, twin, 'the exported TypeScript type is renamed');
    removed = removed.filter((n) => n !== name);
    added = added.filter((n) => n !== twin);
  }
  for (const name of removed)
    out.add(
      'breaking',
      'model-removed',
      'components › schemas',
      name,
      '(removed)',
      'the exported TypeScript type is gone',
    );
  for (const name of added) out.add('additive', 'model-added', 'components › schemas', '(none)', name);
}

// --- openapi-diff -----------------------------------------------------------------------

// The library's non-breaking codes, graded: additions to what callers can do are minor;
// narrower responses, new status codes and new headers change what they get but break nothing.
const LIBRARY_NON_BREAKING = {
  'path.add': 'additive',
  'method.add': 'additive',
  'request.body.scope.add': 'additive',
};

async function libraryFindings(baseSpec, headSpec) {
  const outcome = await openapiDiff.diffSpecs({
    sourceSpec: { content: JSON.stringify(baseSpec), location: 'base', format: 'openapi3' },
    destinationSpec: { content: JSON.stringify(headSpec), location: 'head', format: 'openapi3' },
  });
  const describe = {
    'path.remove': ['path', '(removed)'],
    'path.add': ['(none)', 'path'],
    'method.remove': ['method', '(removed)'],
    'method.add': ['(none)', 'method'],
    'request.body.scope.remove': ['request bodies it accepted', 'some of them rejected'],
    'request.body.scope.add': ['request bodies it accepted', 'more accepted'],
    'response.body.scope.add': ['response bodies it returned', 'others may be returned'],
    'response.body.scope.remove': ['response bodies it returned', 'fewer returned'],
  };
  const toFinding = (d, severity) => {
    const where = d.sourceSpecEntityDetails[0]?.location ?? d.destinationSpecEntityDetails[0]?.location ?? '';
    const [before, after] = describe[d.code] ?? [
      d.action === 'add' ? '(none)' : d.entity,
      d.action === 'add' ? d.entity : '(removed)',
    ];
    return { source: 'openapi-diff', severity, kind: d.code, location: libraryLocation(where), before, after };
  };
  return [
    ...(outcome.breakingDifferences ?? []).map((d) => toFinding(d, 'breaking')),
    ...outcome.nonBreakingDifferences.map((d) => toFinding(d, LIBRARY_NON_BREAKING[d.code] ?? 'patch')),
    // Unclassified = changes to x- extensions; the one that matters (x-hss-column-keys) is
    // graded by the classifier.
    ...outcome.unclassifiedDifferences.map((d) => toFinding(d, 'info')),
  ];
}

/** `paths./v5/{id}/x.post.requestBody.content.application/json.schema` → `POST /v5/{id}/x › request body`. */
function libraryLocation(where) {
  const m = /^paths\.(\/[^.]*?)(?:\.(get|put|post|delete|options|head|patch|trace))?(?:\.(.*))?$/.exec(where);
  if (!m) return where;
  const [, path, method, rest = ''] = m;
  const op = method ? `${method.toUpperCase()} ${path}` : path;
  if (rest.startsWith('requestBody')) return `${op} › request body`;
  const status = /^responses\.([^.]+)/.exec(rest);
  if (status)
    return `${op} › ${status[1]} response${rest.includes('.content.') ? ' body' : rest.includes('.headers.') ? ` header ${rest.split('.headers.')[1]}` : ''}`;
  return rest ? `${op} › ${rest}` : op;
}

// --- entry point ------------------------------------------------------------------------

/**
 * @returns {Promise<{ identical: boolean, findings: Array<{source, severity, kind, location, before, after, note?}>, required: 'none'|'patch'|'minor'|'major' }>}
 */
export async function diffSpecs(baseSpec, headSpec) {
  if (isDeepStrictEqual(baseSpec, headSpec)) return { identical: true, findings: [], required: 'none' };
  const base = dereference(baseSpec);
  const head = dereference(headSpec);
  const out = new Findings();
  compareServers(out, base, head);
  compareSecurity(out, 'security (global)', base.security ?? [], head.security ?? []);
  compareSecuritySchemes(out, base, head);
  compareModels(out, baseSpec, headSpec);
  compareOperations(out, base, head);
  const findings = [...out.list, ...(await libraryFindings(baseSpec, headSpec))];
  // Safety net: a semantic change neither side recognised still needs a release (the
  // packages are generated from this file), so it is reported for a human to grade.
  if (!findings.some((f) => f.severity !== 'info') && !isDeepStrictEqual(stripDocs(base), stripDocs(head))) {
    findings.push({
      source: 'classifier',
      severity: 'patch',
      kind: 'unclassified-change',
      location: firstDifferences(stripDocs(base), stripDocs(head)).join(', '),
      before: 'see location',
      after: 'changed',
      note: 'not recognised by either checker; grade it yourself (a patch is the minimum)',
    });
  }
  const worst = findings.reduce((w, f) => Math.max(w, SEVERITIES.indexOf(f.severity)), 0);
  return { identical: false, findings, required: BUMP_FOR_SEVERITY[SEVERITIES[worst]] };
}

function firstDifferences(a, b, path = '#', acc = []) {
  if (acc.length >= 5 || isDeepStrictEqual(a, b)) return acc;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      firstDifferences(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, acc);
  } else acc.push(path);
  return acc;
}
