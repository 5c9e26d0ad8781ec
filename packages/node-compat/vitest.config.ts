import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // Each test runs the whole contract suite (~10-40 s, more on a busy machine).
    testTimeout: 600_000,
  },
});
