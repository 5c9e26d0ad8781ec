import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  // The package's own `#credential-chain` import resolves to dist/ by its "node" condition;
  // tests run the sources, so that errors are the same classes the tests import.
  resolve: {
    alias: { '#credential-chain': fileURLToPath(new URL('./src/credentials/node-chain.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
