import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Prism for the whole suite: it takes ~2 s to start.
    globalSetup: ['test/prism.global-setup.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // A failing property spends most of its time shrinking, one request per step.
    testTimeout: 120_000,
  },
});
