// CI smoke of the benchmark harness: every module runs with tiny counts (pipeline-latency and
// contract-suite as dry runs) and must produce well-formed results. No timing thresholds:
// figures from a smoke on a shared machine mean nothing; only their shape is checked.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { markers, renderResult, renderTable, replaceSection } from '../src/markdown.mjs';
import { BENCHMARKS_MD, MODULES, runBenchmarks } from '../src/run.mjs';
import { interleave, median, row, summarize } from '../src/stats.mjs';

describe('stats', () => {
  it('takes medians of odd and even counts, and min/max', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(summarize([5, 1, 9])).toEqual({ median: 5, min: 1, max: 9, n: 3 });
  });

  it('takes each ratio inside its own run before summarising', () => {
    // Run 2 is twice as slow for both: the ratio must not move.
    const r = row({ name: 'x', unit: 'ms', perRun: [1.1, 2.2, 1.1], baselinePerRun: [1, 2, 1] });
    expect(r.ratio.min).toBeCloseTo(1.1);
    expect(r.ratio.max).toBeCloseTo(1.1);
  });

  it('rotates which variant goes first in each round', async () => {
    const order = [];
    await interleave(
      { a: async () => order.push('a'), b: async () => order.push('b'), c: async () => order.push('c') },
      3,
    );
    expect(order.join('')).toBe('abcbcacab');
  });
});

describe('every benchmark, quick', () => {
  let results;
  beforeAll(async () => {
    results = await runBenchmarks(Object.keys(MODULES), { quick: true });
  }, 120_000);

  const table = (id) => results.find((r) => r.id === id).tables;

  it('runs every module', () => {
    expect(results.map((r) => r.id)).toEqual(Object.keys(MODULES));
    for (const r of results) expect(r.command).toContain(`bench -- ${r.id}`);
  });

  it('gives positive figures and finite ratios', () => {
    for (const r of results) {
      for (const t of r.tables) {
        for (const x of t.rows) {
          for (const v of [x.median, x.min, x.max, ...x.runs]) {
            expect(Number.isFinite(v), `${r.id}: ${x.name}`).toBe(true);
            expect(v, `${r.id}: ${x.name}`).toBeGreaterThan(0);
          }
          expect(x.min).toBeLessThanOrEqual(x.median);
          expect(x.median).toBeLessThanOrEqual(x.max);
          if (x.ratio) expect(Number.isFinite(x.ratio.median), `${r.id}: ${x.name} ratio`).toBe(true);
        }
      }
    }
  });

  it('measures the three call variants against bare fetch', () => {
    const [{ rows }] = table('call-overhead');
    expect(rows.map((x) => x.name)).toEqual(['bare fetch (baseline)', 'client, token auth', 'client, AK/SK signed']);
    expect(rows[0].ratio.median).toBe(1);
    expect(rows.slice(1).every((x) => typeof x.met === 'boolean')).toBe(true);
  });

  it('measures the client download against bare fetch, the naive way, and a larger file', () => {
    const [{ rows }] = table('download-memory');
    expect(rows).toHaveLength(4);
    expect(typeof rows[1].met).toBe('boolean');
  });

  it('dry-runs the pipeline: the tools it needs are there', () => {
    const { checks } = results.find((r) => r.id === 'pipeline-latency');
    const tools = checks.filter((c) => !c.name.startsWith('proposals') && c.name !== 'every proposal is in a chain');
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.filter((c) => !c.ok)).toEqual([]);
  });

  it('starts and stops Prism in the contract-suite dry run', () => {
    const [{ rows }] = table('contract-suite');
    expect(rows.map((x) => x.name)).toEqual(['Prism start-up', 'Prism stop']);
  });

  it('renders a markdown table with a line for every row', () => {
    for (const r of results) {
      const md = renderResult(r);
      for (const t of r.tables) {
        const lines = renderTable(t.rows).split('\n');
        expect(lines).toHaveLength(t.rows.length + 2);
        // Columns are padded to line up, so match the cell, not the exact spacing.
        for (const x of t.rows) {
          const cell = x.name.replace(/\|/g, '\\|').replace(/[.*+?^${}()[\]\\]/g, '\\$&');
          expect(md).toMatch(new RegExp(`\\| ${cell} +\\|`));
        }
      }
    }
  });

  it('has a section in BENCHMARKS.md for every module', () => {
    const doc = readFileSync(BENCHMARKS_MD, 'utf8');
    for (const id of Object.keys(MODULES)) {
      for (const m of markers(id)) expect(doc).toContain(m);
      expect(replaceSection(doc, id, 'X')).toContain(`${markers(id)[0]}\nX\n${markers(id)[1]}`);
    }
  });
});
