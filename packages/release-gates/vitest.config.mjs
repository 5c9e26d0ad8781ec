import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['test/**/*.test.mjs'],
    // attw starts TypeScript once per package; the remote-cache rehearsal builds a clone (~40 s).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
