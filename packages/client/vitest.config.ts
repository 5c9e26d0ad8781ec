import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    testTimeout: 20_000,
  },
});
