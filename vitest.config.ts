// Every package's tests in one run (each package's vitest.config is a project), with one
// mock of the API for all of them, and the one line CI reads at the end.
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints `N passed, N failed` last. A test skipped because its file failed to load or its
 * setup failed did not pass, so it counts as failed, as does an error outside any test.
 */
class Summary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = errors.length;
    for (const module of modules) {
      const broken = [module, ...module.children.allSuites()].some((suite) => suite.errors().length > 0);
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || broken) failed++;
      }
      if (module.state() === 'failed' && tests.length === 0) failed++;
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.*'],
    // One Prism (behind the scenario layer) for the run: tests read inject('prismUrl').
    globalSetup: ['./node_modules/@hss-export/mock/dist/vitest-setup.js'],
    reporters: ['default', new Summary()],
  },
});
