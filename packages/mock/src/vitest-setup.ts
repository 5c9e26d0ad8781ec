// @hss-export/mock/vitest: a vitest globalSetup that starts one mock for the whole run and
// stops it afterwards, also when tests fail. In vitest.config: `globalSetup:
// ['@hss-export/mock/vitest']`; in a test: `inject('hssMockUrl')` (the scenario layer)
// or `inject('prismUrl')` (Prism itself, for contract tests that want its bare answers).
import type {} from 'vitest';
import { startMock } from './mock.js';

interface Project {
  provide(key: string, value: unknown): void;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hssMockUrl: string;
    prismUrl: string;
  }
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const mock = await startMock();
  project.provide('hssMockUrl', mock.url);
  project.provide('prismUrl', mock.prismUrl);
  return () => mock.stop();
}
