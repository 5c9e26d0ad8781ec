import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // attw starts TypeScript once per tarball (~2.5 s each on 2 cores).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
