import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    // After every file: no Prism this suite started may still be running.
    globalSetup: ['test/support/no-leftover-prism.global-setup.ts'],
    // Prism start-up takes ~1.5 s alone and over 10 s when CI runs several suites at once.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
