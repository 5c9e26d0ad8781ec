// Smoke test of the harness: every section with tiny counts (the pipeline as a dry run that
// only sets up and removes its scratch clone) must give well-formed results. It asserts no
// timings: figures from a smoke run on a shared machine mean nothing.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCHMARKS_MD, runSection, SECTIONS } from '../src/bench.mjs';
import { interleave, live, markers, render, replaceSection } from '../src/lib.mjs';

const wellFormed = (result) => {
  expect(result.rows.length).toBeGreaterThan(0);
  for (const row of result.rows) {
    for (const v of [...row.values, ...(row.ratios ?? [])]) {
      expect(Number.isFinite(v) && v > 0, `${result.id}: ${row.name}`).toBe(true);
    }
    if (row.target) expect(typeof row.met, row.name).toBe('boolean');
  }
  const table = render(result)
    .split('\n')
    .filter((l) => l.startsWith('| '));
  expect(table.length).toBeGreaterThanOrEqual(result.rows.length + 1);
};

// The sections run side by side: the pipeline's dry run is mostly pnpm linking files, the
// others mostly CPU, so together they take about as long as the dry run alone.
describe('harness', () => {
  afterAll(() => {
    // Everything a section started is stopped or removed by the time it returns or throws.
    expect(live.children.size).toBe(0);
    expect(live.dirs.size).toBe(0);
  });

  it('rotates which variant goes first in each round', async () => {
    const order = [];
    await interleave({ a: () => order.push('a'), b: () => order.push('b'), c: () => order.push('c') }, 3);
    expect(order.join('')).toBe('abcbcacab');
  });

  it('has a pair of markers in BENCHMARKS.md for every section', () => {
    const doc = readFileSync(BENCHMARKS_MD, 'utf8');
    for (const id of Object.keys(SECTIONS)) {
      const [start, end] = markers(id);
      expect(replaceSection(doc, id, 'X')).toContain(`${start}\nX\n${end}`);
    }
  });

  it.concurrent('call overhead: five variants, ratios to bare fetch, a profile of both auth modes', async () => {
    const r = await runSection('call-overhead', { quick: true });
    wellFormed(r);
    expect(r.rows.map((x) => x.name)).toEqual([
      'bare fetch (baseline)',
      'our client, token',
      'our client, AK/SK signed',
      'openapi-fetch 0.17.0',
      'openapi-generator 7.0.0, stock typescript-fetch',
    ]);
    expect(r.rows[0].ratios.every((x) => x === 1)).toBe(true);
    expect(r.notes.join('\n')).toMatch(/client: \w+ \(request\.js:\d+\)/);
  });

  it.concurrent('bundle: our entry, the signer chunk, openapi-fetch', async () => {
    const r = await runSection('bundle', { quick: true });
    wellFormed(r);
    expect(r.notes.join('\n')).toContain('client/dist/auth/signer.js');
  });

  it.concurrent('download: three ways, each in a child', async () => {
    wellFormed(await runSection('download', { quick: true }));
  });

  it.concurrent('pipeline, dry run: the scratch clone installs, has what the steps need, and is removed', async () => {
    const r = await runSection('pipeline', { quick: true });
    expect(r.dry).toBe(true);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.checks.length).toBeGreaterThan(4);
    expect(existsSync(r.scratch)).toBe(false);
    // An offline install of the whole workspace: on a loaded machine it alone can take 30 s.
  }, 120_000);
});
