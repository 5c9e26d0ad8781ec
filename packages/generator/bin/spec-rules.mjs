#!/usr/bin/env node
// Emits the client's request validation rules and region table from the OpenAPI spec.
//
//   node spec-rules.mjs [--spec <openapi.yaml>] <out.ts>
//
// The client validates requests with a tiny interpreter (packages/client/src/validation.ts)
// that understands only a fixed subset of JSON Schema. This script is the gate in front of
// it: any request schema keyword outside that subset, or any $ref that does not resolve,
// stops the build, because a rule the interpreter silently ignored would look like
// validation without being it.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_SPEC = resolve(here, '../../../spec/hss-export.openapi.yaml');

export const HEADER = `/*
 * GENERATED FILE - DO NOT EDIT.
 * Written by packages/generator/bin/spec-rules.mjs from spec/hss-export.openapi.yaml.
 * To change it, edit the spec and run \`pnpm build\`; it is rebuilt, never committed.
 */
`;

// Emitted in this order whatever the spec's key order, so equal rules give equal text.
const KEPT = [
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
];
// Documentation only: they never change whether a value is valid.
const ANNOTATIONS = new Set([
  'description',
  'example',
  'examples',
  'default',
  'title',
  'externalDocs',
  'deprecated',
  'xml',
]);
// No `number`: the validator treats every JS number as a candidate integer (see validation.ts).
const TYPES = new Set(['string', 'integer', 'boolean', 'array', 'object']);
const COUNTS = ['minItems', 'maxItems', 'minLength', 'maxLength'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const LOCATIONS = ['path', 'query', 'header'];
const VALIDATOR = 'packages/client/src/validation.ts';

export class SpecError extends Error {}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapeToken = (token) => String(token).replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
const join = (pointer, ...tokens) => pointer + tokens.map((t) => `/${escapeToken(t)}`).join('');

/** Reads the spec and returns the data the module is made of. Throws SpecError. */
export function buildSpecRules(specText, specLabel = 'spec') {
  const where = (pointer) => `${specLabel}#${pointer}`;
  const fail = (pointer, message) => {
    throw new SpecError(`${where(pointer)}: ${message}`);
  };

  const doc = parseDocument(specText, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new SpecError(`${specLabel}: not valid YAML:\n${doc.errors.slice(0, 3).join('\n')}`);
  const spec = doc.toJS({ maxAliasCount: 1000 });
  if (!isObject(spec)) fail('', 'the spec is not a YAML mapping');
  if (typeof spec.openapi !== 'string' || !spec.openapi.startsWith('3.0.')) {
    fail('/openapi', `expected an OpenAPI 3.0.x document, got ${JSON.stringify(spec.openapi)}`);
  }

  const lookup = (ref, from) => {
    if (typeof ref !== 'string' || !ref.startsWith('#')) {
      fail(from, `$ref ${JSON.stringify(ref)} is not a local reference ("#/..."); only local references are supported`);
    }
    let node = spec;
    for (const token of ref.slice(1).split('/').slice(1)) {
      const key = unescapeToken(token);
      node = isObject(node) || Array.isArray(node) ? (Object.hasOwn(node, key) ? node[key] : undefined) : undefined;
      if (node === undefined) fail(from, `$ref ${JSON.stringify(ref)} does not resolve`);
    }
    return node;
  };

  // Every $ref in the document must resolve, not only those the rules reach: a broken one
  // elsewhere is just as much a spec bug, and it is cheapest to catch here.
  // Example values are data, not spec: a "$ref" key inside one is just a value.
  const isExampleValue = (keys, k) =>
    (k === 'example' && keys.at(-1) !== 'properties') || (k === 'value' && keys.at(-2) === 'examples');
  const checkRefs = (node, pointer, keys) => {
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) checkRefs(v, join(pointer, i), [...keys, String(i)]);
    } else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && keys.at(-1) !== 'properties') lookup(v, join(pointer, k));
        else if (!isExampleValue(keys, k)) checkRefs(v, join(pointer, k), [...keys, k]);
      }
    }
  };
  checkRefs(spec, '', []);

  // Follows $ref chains; returns the target and the pointer it lives at (for error messages).
  const deref = (node, pointer) => {
    const seen = [];
    while (isObject(node) && '$ref' in node) {
      const siblings = Object.keys(node).filter((k) => k !== '$ref' && !ANNOTATIONS.has(k) && !k.startsWith('x-'));
      if (siblings.length > 0) {
        fail(
          pointer,
          `keywords beside $ref are ignored by OpenAPI 3.0 (${siblings.join(', ')}); move them into the referenced schema`,
        );
      }
      const ref = node.$ref;
      if (seen.includes(ref)) fail(pointer, `$ref cycle: ${[...seen, ref].join(' -> ')}`);
      seen.push(ref);
      node = lookup(ref, join(pointer, '$ref'));
      pointer = ref.slice(1);
    }
    return { node, pointer };
  };

  const reduceSchema = (raw, rawPointer, valuePath, defaults, stack) => {
    const { node: schema, pointer } = deref(raw, rawPointer);
    if (!isObject(schema)) fail(pointer, 'a schema must be a mapping');
    // A recursive schema would make the emitted literal infinite.
    if (stack.includes(pointer))
      fail(pointer, `recursive schema (${[...stack, pointer].join(' -> ')}) cannot be emitted as a literal`);
    stack = [...stack, pointer];

    for (const key of Object.keys(schema)) {
      if (KEPT.includes(key) || key === 'x-hss-column-keys' || ANNOTATIONS.has(key)) continue;
      if (key.startsWith('x-')) continue;
      fail(
        join(pointer, key),
        `keyword "${key}" in a request schema is not understood by the client validator (${VALIDATOR}); ` +
          `teach the validator and this generator the keyword, or express the rule without it`,
      );
    }
    if ('default' in schema) defaults[valuePath] = schema.default;

    const out = {};
    const { type } = schema;
    if (type !== undefined && !TYPES.has(type)) {
      fail(join(pointer, 'type'), `type ${JSON.stringify(type)} is not checked by the client validator (${VALIDATOR})`);
    }
    for (const key of KEPT) {
      if (!(key in schema)) continue;
      const value = schema[key];
      const at = join(pointer, key);
      switch (key) {
        case 'type':
          out.type = value;
          break;
        case 'format':
          // Kept for readers; the validator checks only the integer part, not the width.
          if ((value === 'int32' || value === 'int64') && type === 'integer') out.format = value;
          else
            fail(
              at,
              `format ${JSON.stringify(value)} on type ${JSON.stringify(type)} is not checked by the client validator (${VALIDATOR})`,
            );
          break;
        case 'required':
          if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
            fail(at, 'must be a list of property names');
          if (type !== 'object') fail(at, '"required" is only checked on type: object');
          out.required = value;
          break;
        case 'properties':
          if (!isObject(value)) fail(at, 'must be a mapping');
          if (type !== 'object') fail(at, '"properties" is only checked on type: object');
          out.properties = Object.fromEntries(
            Object.entries(value).map(([name, sub]) => [
              name,
              reduceSchema(sub, join(at, name), `${valuePath}.${name}`, defaults, stack),
            ]),
          );
          break;
        case 'additionalProperties':
          if (type !== 'object') fail(at, '"additionalProperties" is only checked on type: object');
          out.additionalProperties =
            typeof value === 'boolean' ? value : reduceSchema(value, at, `${valuePath}.*`, defaults, stack);
          break;
        case 'items':
          if (type !== 'array') fail(at, '"items" is only checked on type: array');
          out.items = reduceSchema(value, at, `${valuePath}[]`, defaults, stack);
          break;
        case 'enum':
          if (!Array.isArray(value) || value.length === 0) fail(at, 'must be a non-empty list');
          if (!value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
            fail(at, 'only scalar enum values are compared by the client validator');
          }
          out.enum = value;
          break;
        default: {
          // minimum/maximum/min*/max*
          const ok = COUNTS.includes(key) ? Number.isInteger(value) && value >= 0 : Number.isFinite(value);
          if (!ok) fail(at, `must be ${COUNTS.includes(key) ? 'a non-negative integer' : 'a number'}`);
          const wants = key.endsWith('Items') ? 'array' : key.endsWith('Length') ? 'string' : null;
          if (wants && type !== wants) fail(at, `"${key}" is only checked on type: ${wants}`);
          if (!wants && type !== 'integer') fail(at, `"${key}" is only checked on type: integer`);
          out[key] = value;
        }
      }
    }
    if ('x-hss-column-keys' in schema) {
      const keys = schema['x-hss-column-keys'];
      const at = join(pointer, 'x-hss-column-keys');
      if (type !== 'array') fail(at, 'x-hss-column-keys only applies to type: array');
      if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
        fail(at, 'must be a non-empty list of strings');
      }
      if (new Set(keys).size !== keys.length) fail(at, 'lists a key twice');
      out.columnKeys = keys;
    }
    return out;
  };

  // --- operations -----------------------------------------------------------------------
  const operations = {};
  const paths = spec.paths;
  if (!isObject(paths)) fail('/paths', 'missing or not a mapping');
  for (const [path, rawItem] of Object.entries(paths)) {
    const itemPointer = join('/paths', path);
    const { node: item, pointer: itemAt } = deref(rawItem, itemPointer);
    if (!isObject(item)) fail(itemAt, 'a path item must be a mapping');

    const collectParams = (list, at) => {
      if (list === undefined) return [];
      if (!Array.isArray(list)) fail(at, 'parameters must be a list');
      return list.map((raw, i) => deref(raw, join(at, i)));
    };
    const shared = collectParams(item.parameters, join(itemAt, 'parameters'));

    for (const method of METHODS) {
      if (!(method in item)) continue;
      const opAt = join(itemAt, method);
      const op = item[method];
      if (!isObject(op)) fail(opAt, 'an operation must be a mapping');
      const id = op.operationId;
      if (typeof id !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(id)) {
        fail(join(opAt, 'operationId'), 'every operation needs an operationId that is a valid identifier');
      }
      if (Object.hasOwn(operations, id)) fail(join(opAt, 'operationId'), `operationId "${id}" is used twice`);

      // Operation-level parameters override path-level ones with the same name and location.
      const byKey = new Map();
      for (const p of [...shared, ...collectParams(op.parameters, join(opAt, 'parameters'))]) {
        if (!isObject(p.node)) fail(p.pointer, 'a parameter must be a mapping');
        byKey.set(`${p.node.in}\0${p.node.name}`, p);
      }

      const params = { path: {}, query: {}, header: {} };
      const defaults = {};
      const seenNames = new Map();
      for (const { node: param, pointer } of byKey.values()) {
        const { name, in: location } = param;
        if (typeof name !== 'string' || name === '') fail(join(pointer, 'name'), 'a parameter needs a name');
        if (!LOCATIONS.includes(location)) {
          fail(
            join(pointer, 'in'),
            `parameters "in: ${location}" are not validated by the client (only ${LOCATIONS.join(', ')})`,
          );
        }
        // The validator takes one flat params object, so a name must say which parameter it is.
        if (seenNames.has(name)) {
          fail(
            pointer,
            `parameter name "${name}" is used both in ${seenNames.get(name)} and in ${location}; the client's params object cannot tell them apart`,
          );
        }
        seenNames.set(name, location);
        if ('content' in param)
          fail(join(pointer, 'content'), 'parameters described by "content" are not supported; use "schema"');
        if (!('schema' in param)) fail(pointer, 'parameter has no schema');
        if (location === 'path' && param.required !== true)
          fail(join(pointer, 'required'), 'path parameters must be required: true');
        if (location === 'path' && !path.includes(`{${name}}`))
          fail(pointer, `path parameter "${name}" does not appear in ${path}`);
        const valuePath = `${location}.${name}`;
        params[location][name] = {
          required: param.required === true,
          schema: reduceSchema(param.schema, join(pointer, 'schema'), valuePath, defaults, []),
        };
      }
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!Object.hasOwn(params.path, name)) fail(opAt, `path template variable {${name}} has no path parameter`);
      }

      const rules = { method: method.toUpperCase(), path, params };
      if (op.requestBody !== undefined) {
        const { node: body, pointer } = deref(op.requestBody, join(opAt, 'requestBody'));
        if (!isObject(body) || !isObject(body.content)) fail(pointer, 'a request body needs a "content" mapping');
        const json = body.content['application/json'];
        if (!isObject(json) || !('schema' in json)) {
          fail(
            join(pointer, 'content'),
            'only application/json request bodies with a schema are validated by the client',
          );
        }
        const others = Object.keys(body.content).filter((t) => t !== 'application/json');
        if (others.length > 0)
          fail(
            join(pointer, 'content'),
            `request media types other than application/json (${others.join(', ')}) are not validated`,
          );
        rules.body = {
          required: body.required === true,
          schema: reduceSchema(
            json.schema,
            join(pointer, 'content', 'application/json', 'schema'),
            'body',
            defaults,
            [],
          ),
        };
      }
      if (Object.keys(defaults).length > 0) rules.defaults = defaults;
      operations[id] = rules;
    }
  }
  if (Object.keys(operations).length === 0) fail('/paths', 'no operations found');

  // --- export column keys -----------------------------------------------------------------
  const columnAt = '/components/schemas/ExportColumn/x-hss-column-keys';
  const exportColumnKeys = spec.components?.schemas?.ExportColumn?.['x-hss-column-keys'];
  if (!Array.isArray(exportColumnKeys) || !exportColumnKeys.every((k) => typeof k === 'string')) {
    fail(columnAt, 'missing: the ExportColumn schema must list its allowed keys');
  }

  // --- regions ----------------------------------------------------------------------------
  const servers = spec.servers;
  if (!Array.isArray(servers) || servers.length === 0) fail('/servers', 'missing or empty');
  const endpoints = new Map();
  let defaultRegion;
  const regionOf = (url, at) => {
    const match = /^https:\/\/hss\.([a-z0-9-]+)\.[a-z0-9.-]+$/.exec(url);
    if (!match) fail(at, `server ${JSON.stringify(url)} is not of the form https://hss.<region>.<domain>`);
    return match[1];
  };
  const add = (region, url, at) => {
    if (endpoints.has(region)) fail(at, `region ${region} has two endpoints (${endpoints.get(region)}, ${url})`);
    endpoints.set(region, url);
  };
  servers.forEach((server, i) => {
    const at = join('/servers', i);
    if (!isObject(server) || typeof server.url !== 'string') fail(at, 'a server needs a url');
    const names = [...server.url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    if (names.length === 0) {
      add(regionOf(server.url, join(at, 'url')), server.url, at);
      return;
    }
    if (names.length !== 1 || names[0] !== 'region')
      fail(join(at, 'url'), 'the only supported server variable is {region}');
    const variable = server.variables?.region;
    const varAt = join(at, 'variables', 'region');
    if (!isObject(variable) || !Array.isArray(variable.enum) || variable.enum.length === 0) {
      fail(join(varAt, 'enum'), 'the region variable must list its regions in "enum"');
    }
    if (!variable.enum.includes(variable.default))
      fail(join(varAt, 'default'), 'the default region must be one of the enum values');
    if (defaultRegion !== undefined && defaultRegion !== variable.default) {
      fail(join(varAt, 'default'), `conflicting default regions ${defaultRegion} and ${variable.default}`);
    }
    defaultRegion = variable.default;
    for (const region of variable.enum) {
      const url = server.url.replace('{region}', region);
      if (regionOf(url, join(varAt, 'enum')) !== region)
        fail(join(varAt, 'enum'), `region ${JSON.stringify(region)} is not a valid host label`);
      add(region, url, varAt);
    }
  });
  if (defaultRegion === undefined) fail('/servers', 'no server has a {region} variable with a default');
  const regionEndpoints = Object.fromEntries([...endpoints].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  return { operations, exportColumnKeys, regionEndpoints, defaultRegion };
}

// --- rendering ----------------------------------------------------------------------------
const WIDTH = 100;
const keyText = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

function inline(value) {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${keyText(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

// One line when it fits, otherwise one entry per line: short enough to diff, easy to read.
function literal(value, indent, used) {
  const flat = inline(value);
  if (indent.length + used + flat.length <= WIDTH || !(Array.isArray(value) || isObject(value))) return flat;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((v) => `${inner}${literal(v, inner, 1)},`)
    : Object.entries(value).map(([k, v]) => `${inner}${keyText(k)}: ${literal(v, inner, keyText(k).length + 3)},`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('\n')}\n${indent}${close}`;
}

const constant = (name, value) => `export const ${name} = ${literal(value, '', name.length + 24)} as const;\n`;

export function renderSpecRules({ operations, exportColumnKeys, regionEndpoints, defaultRegion }) {
  return [
    HEADER,
    '// Request rules per operationId: parameter locations and the JSON Schema subset that',
    '// packages/client/src/validation.ts interprets ($refs resolved, annotations dropped).',
    '// `defaults` lists the documented default of each parameter or body field that has one.',
    constant('operations', operations),
    'export type OperationId = keyof typeof operations;\n',
    '// Allowed first elements of each export_headers [key, title] pair (x-hss-column-keys).',
    constant('exportColumnKeys', exportColumnKeys),
    'export type ExportColumnKey = typeof exportColumnKeys[number];\n',
    "// Region ID -> HSS endpoint, from the spec's servers (the {region} enum plus fixed hosts).",
    constant('regionEndpoints', regionEndpoints),
    'export type RegionId = keyof typeof regionEndpoints;\n',
    `export const defaultRegion = ${JSON.stringify(defaultRegion)} as const;\n`,
  ].join('\n');
}

function main(argv) {
  const usage = 'usage: node spec-rules.mjs [--spec <openapi.yaml>] <out.ts>';
  let specPath = DEFAULT_SPEC;
  let outPath;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--spec') {
      specPath = argv[++i];
      if (!specPath) throw new SpecError(`--spec needs a path\n${usage}`);
      specPath = resolve(specPath);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${usage}\n`);
      return;
    } else if (arg.startsWith('-') || outPath !== undefined) {
      throw new SpecError(`unexpected argument ${JSON.stringify(arg)}\n${usage}`);
    } else outPath = resolve(arg);
  }
  if (!outPath) throw new SpecError(usage);
  if (!existsSync(specPath)) throw new SpecError(`spec ${specPath} does not exist`);

  const label = relative(process.cwd(), specPath) || specPath;
  const text = renderSpecRules(buildSpecRules(readFileSync(specPath, 'utf8'), label));
  // Rewriting an unchanged file would only wake up watchers and bust mtime-based caches.
  if (existsSync(outPath) && readFileSync(outPath, 'utf8') === text) return;
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, text);
}

// Runs as a CLI, but stays importable (package export "./spec-rules") without side effects.
// realpath because pnpm runs bins through symlinks.
let invoked;
try {
  invoked = process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href;
} catch {
  invoked = undefined; // e.g. `node -e` or a REPL: not a CLI run
}
if (invoked === import.meta.url) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    process.stderr.write(`spec-rules: ${error.message}\n`);
    process.exit(1);
  }
}
