// Shared statistics and timing helpers. Every figure is summarised the same way: the median
// of each run, then the median, min and max of those run medians; and every ratio is taken
// inside one run (figure ÷ baseline measured in the same run) before being summarised, so a
// slow minute on this shared machine moves both sides of the ratio together.
import { spawn } from 'node:child_process';

export function median(values) {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max, n }` of a list of numbers. */
export function summarize(values) {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}

export const ratio = (value, baseline) => value / baseline;

/**
 * Runs each variant once per round, rotating which one goes first, so that drift in the
 * machine's load is spread evenly instead of landing on whichever variant runs last.
 * Returns `{ [variant]: number[] }` with what each `measure` resolved to.
 * @param {Record<string, () => Promise<number>>} variants
 */
export async function interleave(variants, rounds) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      samples[name].push(await variants[name]());
    }
  }
  return samples;
}

/**
 * Builds one table row from per-run figures and the same runs' baseline figures.
 * `perRun` and `baselinePerRun` must be index-aligned (run i of each measured together).
 */
export function row({ name, unit, perRun, baselinePerRun, baselineName, target, met, note }) {
  const stats = summarize(perRun);
  const ratios = baselinePerRun ? perRun.map((v, i) => ratio(v, baselinePerRun[i])) : undefined;
  return {
    name,
    unit,
    ...stats,
    runs: perRun,
    baseline: baselineName,
    ratio: ratios ? summarize(ratios) : undefined,
    target,
    met,
    note,
  };
}

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Runs a command to completion and resolves with its wall time in ms. Output is kept (last
 * 64 kB) for error messages. A non-zero exit rejects, because a failed step timed as if it
 * had succeeded would be a wrong figure, not a slow one.
 */
export function timeCommand(command, args, { cwd, env, allowFailure = false, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-65536);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.stdin.end(input ?? '');
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = nowMs() - started;
      if (code !== 0 && !allowFailure) {
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${cwd ?? process.cwd()}) exited with ${code ?? signal}:\n${output}`,
          ),
        );
      } else resolve({ ms, code, output });
    });
  });
}

export const fmtMs = (ms) => {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
};
export const fmtMB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
