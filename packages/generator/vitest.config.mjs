import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    testTimeout: 60_000,
  },
});
