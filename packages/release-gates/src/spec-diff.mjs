// Compares two versions of the OpenAPI 3.0 spec and grades every change by the release it
// needs: `breaking` (major), `additive` (minor), `patch`, or `info` (no release needed).
// It is the gate's only engine, and it reads the spec the way the generator and the client
// do, so it also sees what a generic OpenAPI diff cannot: operationIds, tags and model
// names (they name the generated methods, API class and exported types), `enum` values,
// parameters, servers resolved to the URLs the region table holds, and this spec's own
// extensions (`x-hss-column-keys`, `x-hss-client-option`, `x-hss-idempotent`,
// `x-hss-file-format`; how each is graded is in ../README.md).
//
// Direction matters for schemas: a request schema is what callers send, so narrowing it
// breaks them and widening it is an addition; a response schema is what callers receive,
// so widening it (a longer string, a field that may be missing) is what can break them.
//
// Anything structural it does not model still needs a patch: the last step compares the
// specs without their documentation and reports the JSON pointers that differ.
import { isDeepStrictEqual } from 'node:util';

export const SEVERITIES = ['info', 'patch', 'additive', 'breaking'];
export const BUMP_FOR_SEVERITY = { info: 'none', patch: 'patch', additive: 'minor', breaking: 'major' };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Per the OpenAPI 3.0 spec these header parameters are ignored (they come from other fields).
const IGNORED_HEADER_PARAMS = new Set(['accept', 'content-type', 'authorization']);
// Keys that only document; a change to them alone ships no behaviour change to callers.
const DOC_KEYS = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'title']);
// The extensions the generator templates read; every other `x-` key only documents.
const SHIPPED_EXTENSIONS = new Set([
  'x-hss-column-keys',
  'x-hss-client-option',
  'x-hss-idempotent',
  'x-hss-file-format',
]);

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

/**
 * The spec without documentation and without the `x-` keys not in `keep`; keys of a
 * `properties` map are field names, always kept.
 */
function stripDocs(node, keep = SHIPPED_EXTENSIONS, fieldNames = false) {
  if (Array.isArray(node)) return node.map((n) => stripDocs(n, keep));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => fieldNames || (!DOC_KEYS.has(k) && !(k.startsWith('x-') && !keep.has(k))))
      .map(([k, v]) => [k, stripDocs(v, keep, !fieldNames && k === 'properties')]),
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
      const idempotent = op['x-hss-idempotent'];
      ops.set(key, {
        key,
        label: `${method.toUpperCase()} ${path}`,
        operationId: op.operationId,
        tags: op.tags ?? [],
        deprecated: !!op.deprecated,
        // What the client retries by (request.ts): the extension when present, else only GET.
        idempotent: idempotent === undefined ? method === 'get' : String(idempotent) === 'true',
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
    this.list.push({ severity, kind, location, before: show(before), after: show(after), ...(note ? { note } : {}) });
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
  if (bv === hv) {
    if (bEx !== hEx) change = hEx ? 'narrowed' : 'widened';
  } else if (bv === undefined) change = 'narrowed';
  else if (hv === undefined) change = 'widened';
  else change = (upper ? hv < bv : hv > bv) ? 'narrowed' : 'widened';
  if (!change) return;
  const fmt = (v, ex) => (v === undefined ? `no ${name}` : `${name} ${ex ? '(exclusive) ' : ''}${v}`);
  out.add(grade(dir)[change], change === 'narrowed' ? kinds[0] : kinds[1], loc, fmt(b, bEx), fmt(h, hEx));
}

/** kinds: [valueRemoved, valueAdded, setIntroduced, setDropped] */
function compareValueSet(out, dir, loc, name, kinds, b, h) {
  if (!b && !h) return;
  if (!b) return out.add(dir === 'request' ? 'breaking' : 'patch', kinds[2], loc, `no ${name}`, `${name} ${show(h)}`);
  if (!h)
    return out.add(dir === 'request' ? 'additive' : 'breaking', kinds[3], loc, `${name} ${show(b)}`, `no ${name}`);
  const removed = b.filter((v) => !h.some((w) => isDeepStrictEqual(v, w)));
  const added = h.filter((v) => !b.some((w) => isDeepStrictEqual(v, w)));
  // Long lists are summarised; the note names the values that changed.
  const list = (values) => (values.length > 8 ? `[${values.length} values]` : show(values));
  if (removed.length) {
    const note = `removed: ${removed.map(show).join(', ')}`;
    out.add(dir === 'request' ? 'breaking' : 'patch', kinds[0], loc, `${name} ${list(b)}`, `${name} ${list(h)}`, note);
  }
  // A new value in a response can still break a caller's exhaustive switch; it is graded as
  // an addition (minor), which is what changesets and semver expect for new values.
  if (added.length)
    out.add(
      'additive',
      kinds[1],
      loc,
      `${name} ${list(b)}`,
      `${name} ${list(h)}`,
      `added: ${added.map(show).join(', ')}`,
    );
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
    // The spec lint refuses these keywords (the client does not check them), so no set
    // arithmetic here: any change to such a schema is graded as breaking, for a human to check.
    if (!isDeepStrictEqual(stripDocs(b), stripDocs(h)))
      out.add(
        'breaking',
        'composition-changed',
        loc,
        'allOf/anyOf/oneOf/not',
        'changed',
        'not interpreted: check it by hand',
      );
    return;
  }
  const g = grade(dir);
  if ((b.type ?? null) !== (h.type ?? null)) {
    // Also changes the generated TypeScript type, so it is breaking in either direction.
    return out.add('breaking', 'type-changed', loc, `type ${show(b.type)}`, `type ${show(h.type)}`);
  }
  if ((b.format ?? null) !== (h.format ?? null)) {
    // typescript-fetch maps formats to types (binary → Blob), so a format change can change
    // the generated type even when `type` is the same.
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
  // The client rejects column keys outside this list, and the types package exports them as a union.
  compareValueSet(
    out,
    dir,
    loc,
    'x-hss-column-keys',
    ['column-key-removed', 'column-key-added', 'column-keys-added', 'column-keys-removed'],
    b['x-hss-column-keys'],
    h['x-hss-column-keys'],
  );
  const bounds = [
    [
      'maximum',
      'maximum-narrowed',
      'maximum-widened',
      { upper: true, bEx: !!b.exclusiveMaximum, hEx: !!h.exclusiveMaximum },
    ],
    [
      'minimum',
      'minimum-raised',
      'minimum-lowered',
      { upper: false, bEx: !!b.exclusiveMinimum, hEx: !!h.exclusiveMinimum },
    ],
    ['maxLength', 'max-length-narrowed', 'max-length-widened', { upper: true }],
    ['minLength', 'min-length-raised', 'min-length-lowered', { upper: false, implicit: 0 }],
    ['maxItems', 'max-items-narrowed', 'max-items-widened', { upper: true }],
    ['minItems', 'min-items-raised', 'min-items-lowered', { upper: false, implicit: 0 }],
  ];
  for (const [key, narrowed, widened, options] of bounds)
    compareBound(out, dir, loc, key, [narrowed, widened], b[key], h[key], options);
  if (!!b.uniqueItems !== !!h.uniqueItems) {
    const change = h.uniqueItems ? 'narrowed' : 'widened';
    out.add(g[change], 'unique-items-changed', loc, `uniqueItems ${!!b.uniqueItems}`, `uniqueItems ${!!h.uniqueItems}`);
  }
  for (const key of ['pattern', 'multipleOf']) {
    if (b[key] === h[key]) continue;
    // Whether one regex (or divisor) accepts a superset of another is not decidable here,
    // so any change other than removing the constraint counts as a narrowing.
    const change = h[key] === undefined ? 'widened' : 'narrowed';
    const kind = key === 'pattern' ? 'pattern-changed' : 'multiple-of-changed';
    out.add(g[change], kind, loc, `${key} ${show(b[key])}`, `${key} ${show(h[key])}`);
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
  for (const name of removed) out.add('breaking', `${dir}-field-removed`, at(name), name, '(removed)');
  for (const name of added) {
    if (dir === 'response') out.add('additive', 'response-field-added', at(name), '(none)', name);
    else if (hReq.has(name)) out.add('breaking', 'required-field-added', at(name), '(none)', `${name} (required)`);
    else out.add('additive', 'optional-field-added', at(name), '(none)', `${name} (optional)`);
  }
  for (const name of Object.keys(bp).filter((k) => k in hp)) {
    if (bReq.has(name) !== hReq.has(name)) {
      const nowRequired = hReq.has(name);
      // Required in a request narrows what callers may send; optional in a response means a
      // field they read may be missing.
      const severity = dir === 'request' ? (nowRequired ? 'breaking' : 'additive') : nowRequired ? 'patch' : 'breaking';
      const kind = `${dir === 'request' ? '' : 'response-'}field-became-${nowRequired ? 'required' : 'optional'}`;
      out.add(severity, kind, at(name), nowRequired ? 'optional' : 'required', nowRequired ? 'required' : 'optional');
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
  const kind = tightened ? 'additional-properties-tightened' : 'additional-properties-loosened';
  out.add(severity, kind, loc, label(ba), label(ha));
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
    // A required parameter the client fills from one of its options asks nothing new of callers.
    if (p.required && !p['x-hss-client-option'])
      out.add('breaking', 'required-parameter-added', where(p), '(none)', `${p.name} (required)`);
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
    // `x-hss-client-option`: the createHssClient option that supplies the value when the
    // caller gives none (and makes a required parameter optional in the method's type).
    // Adding one asks less of callers; removing or changing it makes them pass the value
    // themselves (or silently sends another one).
    const [bo, ho] = [bp['x-hss-client-option'], hp['x-hss-client-option']];
    if (bo !== ho) {
      const kind = !bo ? 'client-option-added' : !ho ? 'client-option-removed' : 'client-option-changed';
      out.add(
        bo ? 'breaking' : 'additive',
        kind,
        where(bp),
        `x-hss-client-option ${show(bo)}`,
        `x-hss-client-option ${show(ho)}`,
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
    const kind = h.required ? 'request-body-became-required' : 'request-body-became-optional';
    out.add(h.required ? 'breaking' : 'additive', kind, loc, `required ${!!b.required}`, `required ${!!h.required}`);
  }
  compareContent(out, 'request', loc, b.content ?? {}, h.content ?? {});
}

function compareContent(out, dir, loc, b, h) {
  for (const type of Object.keys(b))
    if (!(type in h)) out.add('breaking', `${dir}-media-type-removed`, loc, type, '(removed)');
  for (const type of Object.keys(h))
    if (!(type in b)) out.add(dir === 'request' ? 'additive' : 'patch', `${dir}-media-type-added`, loc, '(none)', type);
  const single = Object.keys(b).length === 1 && Object.keys(h).length === 1;
  for (const type of Object.keys(b).filter((t) => t in h))
    compareSchema(out, dir, single ? loc : `${loc} (${type})`, b[type].schema, h[type].schema);
}

const isSuccess = (code) => /^2/.test(code);

function compareResponses(out, op, b, h) {
  // Only the 2xx statuses listed count as success (the client treats any other 2xx as a
  // malformed answer), and the method's return type is made from them: a new one is a wider
  // answer. A documented error status only documents: every error becomes an ApiError.
  for (const code of Object.keys(b).filter((c) => !(c in h)))
    out.add(
      'patch',
      isSuccess(code) ? 'success-status-removed' : 'error-status-removed',
      `${op} › responses`,
      code,
      '(removed)',
    );
  for (const code of Object.keys(h).filter((c) => !(c in b)))
    out.add(
      isSuccess(code) ? 'breaking' : 'patch',
      isSuccess(code) ? 'success-status-added' : 'error-status-added',
      `${op} › responses`,
      '(none)',
      code,
    );
  for (const code of Object.keys(b).filter((c) => c in h)) {
    const loc = `${op} › ${code} response`;
    const [bh, hh] = [b[code].headers ?? {}, h[code].headers ?? {}];
    for (const name of Object.keys(bh))
      if (!(name in hh)) out.add('patch', 'response-header-removed', loc, name, '(removed)');
    for (const name of Object.keys(hh))
      if (!(name in bh)) out.add('patch', 'response-header-added', loc, '(none)', name);
    // `x-hss-file-format`: what the client checks a binary answer against (a zip's signature).
    // A new check refuses only answers the API never documented; a changed or dropped one
    // means callers get bytes in another (or any) format than the one they open.
    const [bf, hf] = [b[code]['x-hss-file-format'], h[code]['x-hss-file-format']];
    if (bf !== hf)
      out.add(
        bf ? 'breaking' : 'patch',
        `file-format-${!bf ? 'added' : !hf ? 'removed' : 'changed'}`,
        loc,
        `x-hss-file-format ${show(bf)}`,
        `x-hss-file-format ${show(hf)}`,
      );
    compareContent(out, 'response', `${loc} body`, b[code].content ?? {}, h[code].content ?? {});
  }
}

const securitySet = (reqs) => new Set(reqs.map((r) => Object.keys(r).sort().join(' + ') || '(anonymous)'));

function compareSecurity(out, loc, b, h) {
  const [bs, hs] = [securitySet(b), securitySet(h)];
  for (const s of bs) if (!hs.has(s)) out.add('breaking', 'security-alternative-removed', loc, s, '(removed)');
  for (const s of hs) if (!bs.has(s)) out.add('additive', 'security-alternative-added', loc, '(none)', s);
}

function compareOperations(out, base, head) {
  const bOps = operationsOf(base);
  const hOps = operationsOf(head);
  const hById = new Map([...hOps.values()].filter((o) => o.operationId).map((o) => [o.operationId, o]));
  const named = (o) => `${o.label} (${o.operationId ?? 'no operationId'})`;
  // Same operationId at a path or method that did not exist before: the operation moved.
  const movedTo = new Map();
  for (const [key, b] of bOps) {
    if (hOps.has(key)) continue;
    const h = b.operationId && hById.get(b.operationId);
    if (h && !bOps.has(h.key)) {
      out.add('breaking', 'operation-moved', `operation ${b.operationId}`, b.label, h.label);
      movedTo.set(key, h);
    } else out.add('breaking', 'operation-removed', b.label, named(b), '(removed)');
  }
  const movedKeys = new Set([...movedTo.values()].map((h) => h.key));
  for (const [key, h] of hOps)
    if (!bOps.has(key) && !movedKeys.has(key)) out.add('additive', 'operation-added', h.label, '(none)', named(h));
  for (const [key, b] of bOps) {
    const h = hOps.get(key) ?? movedTo.get(key);
    if (!h) continue;
    const op = h.label;
    // The generated client names its method after the operationId, the API class after the first tag.
    if (b.operationId !== h.operationId)
      out.add(
        'breaking',
        'operation-renamed',
        op,
        `operationId ${show(b.operationId)}`,
        `operationId ${show(h.operationId)}`,
      );
    if (!isDeepStrictEqual(b.tags, h.tags))
      out.add('breaking', 'operation-tags-changed', op, `tags ${show(b.tags)}`, `tags ${show(h.tags)}`);
    if (b.deprecated !== h.deprecated)
      out.add('patch', 'operation-deprecation-changed', op, `deprecated ${b.deprecated}`, `deprecated ${h.deprecated}`);
    // `x-hss-idempotent` (or the method's default): whether the client retries the call after a
    // failure that may have reached the service. Retrying more is new behaviour (minor); retrying
    // less changes no caller's code (patch).
    if (b.idempotent !== h.idempotent)
      out.add(
        h.idempotent ? 'additive' : 'patch',
        h.idempotent ? 'operation-became-idempotent' : 'operation-no-longer-idempotent',
        op,
        `idempotent ${b.idempotent}`,
        `idempotent ${h.idempotent}`,
      );
    compareParams(out, op, b, h);
    compareRequestBody(out, op, b.requestBody, h.requestBody);
    compareResponses(out, op, b.responses, h.responses);
    if (b.ownSecurity || h.ownSecurity)
      compareSecurity(
        out,
        `${op} › security`,
        b.ownSecurity ?? base.security ?? [],
        h.ownSecurity ?? head.security ?? [],
      );
  }
}

/**
 * Every URL the servers allow, each variable expanded over its `enum` (a variable without
 * one stays a `{name}` placeholder): what the client's region table is generated from. A fixed
 * URL rewritten as a template over the same values is therefore no change.
 */
export function serverUrls(spec) {
  const urls = new Map();
  for (const server of spec.servers ?? []) {
    let expanded = [{ url: server.url, region: undefined }];
    for (const [name, variable] of Object.entries(server.variables ?? {})) {
      const values = variable.enum ?? [`{${name}}`];
      expanded = expanded.flatMap((e) =>
        values.map((v) => ({ url: e.url.replaceAll(`{${name}}`, v), region: name === 'region' ? v : e.region })),
      );
    }
    for (const e of expanded) if (!urls.has(e.url)) urls.set(e.url, e.region);
  }
  return urls;
}

function compareServers(out, base, head) {
  const [bs, hs] = [serverUrls(base), serverUrls(head)];
  const note = (region) => (region ? `region ${region}` : undefined);
  for (const [url, region] of bs)
    if (!hs.has(url)) out.add('breaking', 'server-removed', 'servers', url, '(removed)', note(region));
  for (const [url, region] of hs)
    if (!bs.has(url)) out.add('additive', 'server-added', 'servers', '(none)', url, note(region));
  // The URL the first server gives with every variable at its default (the mock and docs use it).
  const fallback = ({ servers = [] }) =>
    servers[0]?.url.replace(/\{([^}]+)\}/g, (m, name) => servers[0].variables?.[name]?.default ?? m);
  if (fallback(base) !== fallback(head))
    out.add('patch', 'default-server-changed', 'servers', fallback(base), fallback(head));
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
 * or removed model is invisible there: this is the only place that sees it.
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

// --- entry point ------------------------------------------------------------------------

/**
 * @returns {{ identical: boolean, findings: Array<{severity, kind, location, before, after, note?}>, required: 'none'|'patch'|'minor'|'major' }}
 */
export function diffSpecs(baseSpec, headSpec) {
  if (isDeepStrictEqual(baseSpec, headSpec)) return { identical: true, findings: [], required: 'none' };
  const base = dereference(baseSpec);
  const head = dereference(headSpec);
  const out = new Findings();
  compareServers(out, base, head);
  compareSecurity(out, 'security (global)', base.security ?? [], head.security ?? []);
  compareSecuritySchemes(out, base, head);
  compareModels(out, baseSpec, headSpec);
  compareOperations(out, base, head);
  // Safety net: a structural change nothing above recognised still needs a release (the
  // packages are generated from this file), so it is reported for a human to grade. Left out
  // of it: servers (compared as resolved URLs), `info` and the x- keys (each shipped one was
  // compared where it takes effect), so that a change with no effect is not graded.
  const shipped = (spec) => stripDocs({ ...spec, servers: undefined, info: undefined }, new Set());
  if (!out.list.some((f) => f.severity !== 'info')) {
    if (!isDeepStrictEqual(shipped(base), shipped(head))) {
      const where = firstDifferences(shipped(base), shipped(head)).join(', ');
      const note = 'not recognised by the classifier; grade it yourself (a patch is the minimum)';
      out.add('patch', 'unclassified-change', where, 'see location', 'changed', note);
    } else if (!out.list.length) {
      const where = firstDifferences(baseSpec, headSpec).join(', ');
      const note = 'documentation, or the same behaviour written another way';
      out.add('info', 'no-shipped-change', where, 'as released', 'edited', note);
    }
  }
  const worst = out.list.reduce((w, f) => Math.max(w, SEVERITIES.indexOf(f.severity)), 0);
  return { identical: false, findings: out.list, required: BUMP_FOR_SEVERITY[SEVERITIES[worst]] };
}

function firstDifferences(a, b, path = '#', acc = []) {
  if (acc.length >= 5 || isDeepStrictEqual(a, b)) return acc;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      firstDifferences(a[k], b[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, acc);
  } else acc.push(path);
  return acc;
}
