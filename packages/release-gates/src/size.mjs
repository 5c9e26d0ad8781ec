// Bundle-size measurements, the size-limit way: esbuild bundles a small entry file the
// way an app would (minified, browser, ESM, code splitting so dynamic imports become
// their own chunks), and each output file is measured raw and gzipped at level 9.
// size-limit itself needs Node >= 22.19; this is the same measurement on Node 20.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_DIR } from './repo.mjs';

export const BUDGET_FILE = join(PACKAGE_DIR, 'size-budget.json');
const ENTRIES = join(PACKAGE_DIR, 'size');

const sizeOf = (bytes) => ({ min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });

/**
 * Bundles one entry on its own (never together with another entry, which would move
 * shared code into shared chunks) and returns its entry chunk and its other chunks.
 */
export async function bundle(entryFile) {
  const result = await build({
    entryPoints: [join(ENTRIES, entryFile)],
    absWorkingDir: PACKAGE_DIR,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    // Nothing is written: outdir only names the chunks.
    outdir: join(PACKAGE_DIR, '.size-out'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const chunks = result.outputFiles.map((file) => {
    const key = relative(PACKAGE_DIR, file.path);
    const meta = result.metafile.outputs[key];
    return {
      key,
      file: file.path.split('/').pop(),
      // Dynamically imported modules are entry points too in the metafile; only ours is the entry chunk.
      entry: meta.entryPoint === relative(PACKAGE_DIR, join(ENTRIES, entryFile)),
      ...sizeOf(file.contents),
      inputs: Object.fromEntries(
        Object.entries(meta.inputs).map(([input, v]) => [input.replace(/^(\.\.\/)+/, ''), v.bytesInOutput]),
      ),
      staticImports: meta.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    };
  });
  return { entry: chunks.find((c) => c.entry), others: chunks.filter((c) => !c.entry), chunks };
}

/**
 * The chunks that load with `start`: it and everything it imports statically. Today each
 * bundle has no shared chunk, but if splitting ever moves code the entry and the signer
 * share into one, the entry imports it statically and it counts for the token path too.
 */
function loadedWith(bundled, start) {
  const byKey = new Map(bundled.chunks.map((c) => [c.key, c]));
  const seen = new Set();
  const visit = (chunk) => {
    if (!chunk || seen.has(chunk)) return;
    seen.add(chunk);
    for (const k of chunk.staticImports) visit(byKey.get(k));
  };
  visit(start);
  return seen;
}

const sum = (chunks) =>
  [...chunks].reduce((t, c) => ({ min: t.min + c.min, gzip: t.gzip + c.gzip }), { min: 0, gzip: 0 });
const isSigner = (chunk) => Object.keys(chunk.inputs).some((i) => i.endsWith('/auth/signer.js'));

/** Everything the table and the budget need, in one run. */
export async function measureAll() {
  const [token, aksk, openapiFetch, runtimeBase, runtimeAll] = await Promise.all(
    ['token.mjs', 'aksk.mjs', 'openapi-fetch.mjs', 'generated-runtime-base.mjs', 'generated-runtime-all.mjs'].map(
      bundle,
    ),
  );
  // Token auth: the entry chunk (and any chunk it imports statically), never the signer.
  const tokenPath = sum(loadedWith(token, token.entry));
  // AK/SK: that, plus the signer chunk the first request imports dynamically.
  const akskChunks = loadedWith(aksk, aksk.entry);
  for (const signer of aksk.chunks.filter(isSigner)) for (const c of loadedWith(aksk, signer)) akskChunks.add(c);
  const akskPath = sum(akskChunks);
  const whole = (b) => sum(b.chunks);
  return {
    token,
    aksk,
    metrics: {
      'token-entry': tokenPath,
      'aksk-total': akskPath,
      'signing-added': { min: akskPath.min - tokenPath.min, gzip: akskPath.gzip - tokenPath.gzip },
      'openapi-fetch-createClient': whole(openapiFetch),
      'generated-runtime-BaseAPI+Configuration': whole(runtimeBase),
      'generated-runtime-all': whole(runtimeAll),
    },
  };
}

export function readBudget() {
  return JSON.parse(readFileSync(BUDGET_FILE, 'utf8'));
}

/** Metrics over their budget, as messages; empty when everything fits. */
export function overBudget(metrics, budget) {
  const problems = [];
  for (const [name, limits] of Object.entries(budget.limits)) {
    const measured = metrics[name];
    if (!measured) {
      problems.push(`${name}: in ${BUDGET_FILE.split('/').pop()} but not measured`);
      continue;
    }
    for (const unit of ['min', 'gzip']) {
      if (limits[unit] !== undefined && measured[unit] > limits[unit]) {
        problems.push(
          `${name}: ${unit} ${measured[unit]} B is over its budget of ${limits[unit]} B (+${measured[unit] - limits[unit]} B)`,
        );
      }
    }
  }
  return problems;
}

/** Measured size plus ~10 % headroom, rounded up to the next 100 bytes. */
export const withHeadroom = (bytes) => Math.ceil((bytes * 1.1) / 100) * 100;

export function writeBudget(metrics, budget = readBudget()) {
  const limits = {};
  for (const name of Object.keys(budget.limits))
    limits[name] = { min: withHeadroom(metrics[name].min), gzip: withHeadroom(metrics[name].gzip) };
  // One line per metric keeps budget changes readable in a diff.
  const text = JSON.stringify({ ...budget, limits }, null, 2)
    .replace(/\{\n\s+("min": \d+),\n\s+("gzip": \d+)\n\s+\}/g, '{ $1, $2 }')
    .replace(/\{\n\s+("gzip": \d+)\n\s+\}/g, '{ $1 }');
  writeFileSync(BUDGET_FILE, `${text}\n`);
  return limits;
}

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

/** The comparison table: ours, the anchors (docs/anchors §F) and the issue #6 targets. */
export function table(metrics, budget, typesJsBytes) {
  const rows = [
    ['create call, token auth (entry chunk)', 'token-entry'],
    ['create call, AK/SK auth (entry + signer chunk)', 'aksk-total'],
    ['signing adds (AK/SK total - token entry)', 'signing-added'],
    ['openapi-fetch createClient', 'openapi-fetch-createClient'],
    ['typescript-fetch runtime: BaseAPI + Configuration', 'generated-runtime-BaseAPI+Configuration'],
    ['typescript-fetch runtime: all exports', 'generated-runtime-all'],
  ];
  const header = ['bundle', 'min', 'gzip', 'budget (min / gzip)', 'anchor (min / gzip)', 'target (gzip)'];
  const lines = rows.map(([label, key]) => {
    const m = metrics[key];
    const limit = budget.limits[key];
    const anchor = budget.anchors[key];
    const target = budget.targets[key];
    const targetText = target
      ? `<= ${kB(target.gzip)} ${m.gzip <= target.gzip ? 'met' : `MISSED by ${kB(m.gzip - target.gzip)}`}`
      : '';
    return [
      label,
      kB(m.min),
      kB(m.gzip),
      limit ? `${kB(limit.min)} / ${kB(limit.gzip)}` : '',
      anchor ? `${kB(anchor.min)} / ${kB(anchor.gzip)}` : '',
      targetText,
    ];
  });
  lines.push(['@hss-export/types JavaScript', `${typesJsBytes} B`, `${typesJsBytes} B`, '0 B', '', '0 B']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

/** Which modules fill a chunk, largest first (esbuild metafile bytesInOutput). */
export function breakdown(chunk, top = 12) {
  return Object.entries(chunk.inputs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([input, bytes]) => `${String(bytes).padStart(7)} B  ${input}`)
    .join('\n');
}
