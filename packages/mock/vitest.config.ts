import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // After every file: no Prism this suite started may still be running.
    globalSetup: ['test/support/no-leftover-prism.global-setup.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // Prism start-up takes ~1.5 s alone and over 10 s when CI runs several suites at once.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
