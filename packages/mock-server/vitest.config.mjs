import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // Prism start-up takes 2 s alone and over 10 s when CI runs several suites at once.
    testTimeout: 60_000,
  },
});
