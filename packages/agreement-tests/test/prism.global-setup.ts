import type { TestProject } from 'vitest/node';
import { startPrism } from '@hss-export/mock-server';

declare module 'vitest' {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

// Vitest calls the returned teardown also when tests fail or the run is interrupted;
// the mock-server's leash stops Prism even if this process is killed outright.
export default async function setup(project: TestProject) {
  const prism = await startPrism();
  project.provide('prismUrl', prism.url);
  return () => prism.stop();
}
