import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.mjs'],
    testTimeout: 60_000,
  },
});
