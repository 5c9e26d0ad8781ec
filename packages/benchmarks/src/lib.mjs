// What every section shares: summaries, interleaving, child commands that are always
// stopped, temporary folders that are always removed, and the markdown of a result.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Calls each variant once per round, rotating which goes first, so drift in this shared
 * machine's load lands on every variant alike. Returns what each call resolved to, per variant.
 */
export async function interleave(variants, rounds) {
  const names = Object.keys(variants);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length];
      out[n].push(await variants[n](r));
    }
  }
  return out;
}

// Children and folders still alive. A signal skips `finally` blocks, so the CLI turns
// SIGINT/SIGTERM into process.exit, and this one 'exit' hook stops and removes what is left.
export const live = { children: new Set(), dirs: new Set() };
process.once('exit', () => {
  for (const child of live.children) kill(child);
  for (const dir of live.dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

// Each child leads its own process group, so pnpm's turbo, tsc and java go with it.
const kill = (child, signal = 'SIGTERM') => {
  try {
    process.kill(-child.pid, signal);
  } catch {}
};

export function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `hss-bench-${label}-`));
  live.dirs.add(dir);
  return {
    path: dir,
    remove() {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      live.dirs.delete(dir);
    },
  };
}

/** Starts a child in its own process group; `stop()` ends the group and waits for the child. */
export function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  live.children.add(child);
  const exited = new Promise((done) => child.once('close', (code, signal) => done({ code, signal })));
  exited.then(() => live.children.delete(child));
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-65536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) kill(child);
      const timer = setTimeout(() => kill(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end: `{ ms, output }`, or throws with the output (a failed step is no figure). */
export async function run(command, args, { cwd = REPO, env = process.env, timeoutMs = 600_000 } = {}) {
  const t0 = performance.now();
  const proc = start(command, args, { cwd, env });
  const timer = setTimeout(() => proc.stop(), timeoutMs);
  const { code, signal } = await proc.exited;
  clearTimeout(timer);
  const ms = performance.now() - t0;
  if (code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) ended with ${code ?? signal}:\n${proc.output().slice(-4000)}`,
    );
  return { ms, output: proc.output() };
}

/** For commands whose output is read: no telemetry calls, no colour codes. */
export const quietEnv = (extra = {}) => ({
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  ...extra,
});

/** What was measured and under which conditions; taken when a section ends, for its load average. */
export function conditions(commit) {
  const git = (...a) => execFileSync('git', a, { cwd: REPO, encoding: 'utf8' }).trim();
  const dirty = commit ? '' : git('status', '--porcelain', '--', 'packages/client', 'packages/types', 'spec');
  return {
    commit: `${commit ?? git('rev-parse', '--short', 'HEAD')}${dirty ? ' plus uncommitted changes' : ''}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  };
}

const span = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[0] === s.at(-1) ? f(s[0]) : `${f(median(s))} (${f(s[0])}–${f(s.at(-1))})`;
};
const UNITS = {
  µs: (v) => `${v.toFixed(0)} µs`,
  s: (v) => `${v.toFixed(2)} s`,
  MiB: (v) => `${v.toFixed(1)} MiB`,
  kB: (v) => `${(v / 1000).toFixed(2)} kB`,
};
const cell = (t) => String(t ?? '—').replace(/\|/g, '\\|');

/** A result's section of BENCHMARKS.md: command, conditions, table, notes. */
export function render(r) {
  const c = r.conditions;
  const lines = [
    `Command: \`${r.command}\``,
    '',
    `Measured: commit ${c.commit}, ${c.date} UTC, ${c.machine}; load average ${c.load} (1 / 5 / 15 min) at the end of the run.${r.params ? ` ${r.params}.` : ''}`,
    '',
    '| measurement | median (min–max) | ratio (median, min–max) | target | met |',
    '| --- | ---: | ---: | --- | --- |',
  ];
  for (const row of r.rows) {
    const ratio = row.ratios ? `${span(row.ratios, (v) => `${v.toFixed(2)}×`)} ${row.baseline}` : '—';
    const met = row.met === undefined ? '—' : row.met ? 'yes' : '**no**';
    lines.push(`| ${[row.name, span(row.values, UNITS[row.unit]), ratio, row.target, met].map(cell).join(' | ')} |`);
  }
  if (r.notes?.length) lines.push('', ...r.notes);
  return lines.join('\n');
}

export const markers = (id) => [`<!-- bench:${id}:start -->`, `<!-- bench:${id}:end -->`];

export function replaceSection(doc, id, text) {
  const [a, b] = markers(id).map((m) => doc.indexOf(m));
  if (a < 0 || b < a) throw new Error(`BENCHMARKS.md has no ${markers(id).join(' … ')} pair`);
  return `${doc.slice(0, a + markers(id)[0].length)}\n${text}\n${doc.slice(b)}`;
}
