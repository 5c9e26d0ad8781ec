// The size budget (size-budget.json) for what an app ships, the signer kept out of the
// token path, and the types package's promise of zero JavaScript.
import { beforeAll, describe, expect, it } from 'vitest';
import { measureAll, overBudget, readBudget, table, withHeadroom } from '../src/size.mjs';
import { typesTarballJs } from '../src/types-js.mjs';

let measured;
let types;
const budget = readBudget();

beforeAll(async () => {
  [measured, types] = await Promise.all([measureAll(), typesTarballJs()]);
});

describe('bundle sizes', () => {
  it('stay within size-budget.json', () => {
    const problems = overBudget(measured.metrics, budget);
    expect(problems, `${problems.join('\n')}\n\n${table(measured.metrics, budget, types.jsBytes)}`).toEqual([]);
  });

  it('the budget is enforced for the token path, the AK/SK path and what signing adds', () => {
    expect(Object.keys(budget.limits).sort()).toEqual(['aksk-total', 'signing-added', 'token-entry']);
    for (const limits of Object.values(budget.limits)) expect(limits.min > 0 && limits.gzip > 0).toBe(true);
  });

  it('fails when a bundle grows past its budget', () => {
    const tight = { ...budget, limits: { 'token-entry': { gzip: measured.metrics['token-entry'].gzip - 1 } } };
    expect(overBudget(measured.metrics, tight)).toEqual([
      expect.stringMatching(/^token-entry: gzip \d+ B is over its budget of \d+ B \(\+1 B\)$/),
    ]);
    expect(overBudget(measured.metrics, { ...budget, limits: { 'no-such-bundle': { gzip: 1 } } })).toEqual([
      expect.stringContaining('not measured'),
    ]);
  });

  it('headroom is ~10 %, rounded up to 100 B', () => {
    expect(withHeadroom(7538)).toBe(8300);
    expect(withHeadroom(1000)).toBe(1100);
  });
});

describe('code splitting', () => {
  it('the token path does not carry the AK/SK signer: it is a chunk of its own', () => {
    const entryInputs = Object.keys(measured.token.entry.inputs);
    expect(entryInputs.some((i) => i.endsWith('/auth/signer.js'))).toBe(false);
    const signerChunks = measured.aksk.others.filter((c) =>
      Object.keys(c.inputs).some((i) => i.endsWith('/auth/signer.js')),
    );
    expect(signerChunks).toHaveLength(1);
    // ...which the AK/SK path loads on top of the token path.
    expect(measured.metrics['signing-added'].min).toBeGreaterThanOrEqual(signerChunks[0].min);
  });

  it('the comparison bundles are measured in the same run', () => {
    for (const key of [
      'openapi-fetch-createClient',
      'generated-runtime-BaseAPI+Configuration',
      'generated-runtime-all',
    ]) {
      expect(measured.metrics[key].gzip).toBeGreaterThan(500);
    }
    expect(table(measured.metrics, budget, types.jsBytes)).toContain('openapi-fetch createClient');
  });
});

describe('@hss-export/types', () => {
  it('ships 0 bytes of JavaScript: no .js, .mjs, .cjs or .jsx in its tarball', () => {
    expect(types.files.some((f) => f.path.endsWith('.d.ts'))).toBe(true);
    expect(types.jsFiles).toEqual([]);
    expect(types.jsBytes).toBe(0);
  });
});
