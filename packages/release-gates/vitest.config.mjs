import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.mjs'],
    // attw starts TypeScript once per tarball (~2.5 s each on 2 cores).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
