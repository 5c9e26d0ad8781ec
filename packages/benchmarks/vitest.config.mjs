import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.mjs'],
    // Generous: the smoke runs real servers and child processes on a shared, loaded machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
