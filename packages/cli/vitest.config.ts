import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Generous: CI machines run several packages' suites at once.
    testTimeout: 30_000,
  },
});
