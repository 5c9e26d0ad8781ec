import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/prism.global-setup.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    testTimeout: 30_000,
  },
});
