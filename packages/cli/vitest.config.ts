import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Prism for the suite (it takes ~2 s to start); failure paths use scripted servers.
    globalSetup: ['test/support/prism.global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // Generous: CI machines run several packages' suites at once.
    testTimeout: 30_000,
    // The tests mostly wait on CLI child processes, so more files at once than cores pays off.
    maxWorkers: 3,
  },
});
