// Renders benchmark results as markdown, and replaces one module's section of BENCHMARKS.md
// (between its markers) so reruns of one module leave the others' figures alone.
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fmtMB, fmtMs } from './stats.mjs';

const fmt = (unit, value) =>
  !Number.isFinite(value) ? 'n/a' : unit === 'MB' ? `${value.toFixed(1)} MB` : fmtMs(value);
const fmtRatio = (r) =>
  !r || !Number.isFinite(r.median)
    ? '—'
    : r.min === r.max
      ? `${r.median.toFixed(2)}×`
      : `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function machineNote() {
  const c = cpus();
  return (
    `${c.length} cores (${c[0]?.model.trim() ?? 'unknown CPU'}), ${fmtMB(totalmem())} RAM (${fmtMB(freemem())} free), ` +
    `Node ${process.version}, ${process.platform}; shared machine, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1/5/15 min) when the run ended`
  );
}

const HEADER = [
  'measurement',
  'median',
  'min',
  'max',
  'ratio to baseline (median, min–max over runs)',
  'baseline',
  'target',
  'met?',
  'notes',
];
const RIGHT = [false, true, true, true, true, false, false, false, false];

/** A table with padded, aligned columns: the layout the repository's formatter (Biome) keeps. */
export function renderTable(rows) {
  const body = rows.map((r) =>
    [
      r.name,
      fmt(r.unit, r.median),
      fmt(r.unit, r.min),
      fmt(r.unit, r.max),
      fmtRatio(r.ratio),
      r.baseline ?? '—',
      r.target ?? '—',
      r.met === undefined ? '—' : r.met ? 'yes' : '**no**',
      r.note ?? '',
    ].map(cell),
  );
  const width = HEADER.map((h, i) => Math.max(h.length, 3, ...body.map((b) => [...b[i]].length)));
  const pad = (text, i) => {
    const fill = ' '.repeat(width[i] - [...text].length);
    return RIGHT[i] ? fill + text : text + fill;
  };
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${width.map((w, i) => (RIGHT[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(HEADER), rule, ...body.map(line)].join('\n');
}

/** One module's section: command, when and where, parameters, tables. */
export function renderResult(result, { date = new Date() } = {}) {
  const lines = [];
  lines.push(`Command: \`${result.command}\``);
  lines.push('');
  lines.push(`Last run: ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC; ${result.machine ?? machineNote()}.`);
  if (result.params) {
    lines.push(
      `Parameters: ${Object.entries(result.params)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ')}.`,
    );
  }
  if (result.dry) {
    lines.push('');
    lines.push('Dry run only (nothing was built or timed beyond what is shown).');
    for (const c of result.checks ?? [])
      lines.push(`- ${c.ok ? 'ok' : 'FAILED'}: ${c.name}${c.error ? ` (${c.error})` : ''}`);
  }
  for (const table of result.tables) {
    lines.push('');
    if (table.caption) lines.push(`_${table.caption}_`, '');
    lines.push(renderTable(table.rows));
  }
  return lines.join('\n');
}

export const markers = (id) => [`<!-- bench:${id}:start -->`, `<!-- bench:${id}:end -->`];

/** Replaces the text between a module's markers; throws if the markers are missing. */
export function replaceSection(document, id, content) {
  const [start, end] = markers(id);
  const a = document.indexOf(start);
  const b = document.indexOf(end);
  if (a < 0 || b < a) throw new Error(`BENCHMARKS.md has no ${start} … ${end} section`);
  return `${document.slice(0, a + start.length)}\n${content}\n${document.slice(b)}`;
}
