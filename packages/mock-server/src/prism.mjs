// The repository's Prism for `pnpm mock`, the tests and the demo: the launcher of the
// published @hss-export/mock (one launcher for both), serving the repository's spec/ as it
// is now rather than the copy the mock package was last built with.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startPrism as startMockPrism } from '@hss-export/mock';

export { freePort };

const here = dirname(fileURLToPath(import.meta.url));
export const SPEC_PATH = resolve(here, '../../../spec/hss-export.openapi.yaml');

/** @param {import('./prism.d.mts').StartPrismOptions} [options] */
export function startPrism(options = {}) {
  return startMockPrism({ spec: SPEC_PATH, ...options });
}

/**
 * A vitest globalSetup: one Prism for the whole run, its URL provided as `prismUrl`.
 * Vitest calls the returned teardown also when tests fail or the run is interrupted; the
 * leash stops Prism even if the test process is killed outright.
 */
export async function prismGlobalSetup(project) {
  const prism = await startPrism();
  project.provide('prismUrl', prism.url);
  return () => prism.stop();
}
