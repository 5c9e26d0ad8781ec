// Vitest reporter the contract-suite benchmark passes on the command line: per test file, the
// time of its tests *and hooks* (vitest's JSON report spans first test to last test only, which
// leaves out e.g. packed-tarballs' pack-and-install beforeAll), plus pass/fail counts.
// Writes JSON to $HSS_BENCH_FILE_TIMES.
import { writeFileSync } from 'node:fs';

export default class FileTimesReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const modules = testModules.map((m) => {
      const d = m.diagnostic();
      const states = [...m.children.allTests()].map((t) => t.result().state);
      return {
        file: m.moduleId,
        duration: d.duration,
        collect: d.collectDuration,
        passed: states.filter((s) => s === 'passed').length,
        failed: states.filter((s) => s === 'failed').length + (m.state() === 'failed' && !states.length ? 1 : 0),
      };
    });
    writeFileSync(
      process.env.HSS_BENCH_FILE_TIMES,
      JSON.stringify({ modules, unhandledErrors: unhandledErrors.length }),
    );
  }
}
