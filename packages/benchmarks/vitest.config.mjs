import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', '@hss-export/test-summary/reporter'],
    // Generous: the smoke runs real servers and child processes on a shared, loaded machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
