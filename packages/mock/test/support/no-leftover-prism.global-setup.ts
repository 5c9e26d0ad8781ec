// Fails the run if any Prism this suite started outlived its test file, also when tests failed.
import { ourPrisms, until } from './processes.js';

export default function setup() {
  return async () => {
    if (process.platform !== 'linux') return;
    // stop() resolves when the leash has exited; Prism itself may take a moment longer.
    await until('every Prism of this suite to exit', () => ourPrisms().length === 0, 10_000).catch(() => {});
    const left = ourPrisms();
    if (left.length) {
      throw new Error(
        `Prism processes left running after the tests:\n${left.map((p) => `${p.pid} ${p.cmdline}`).join('\n')}`,
      );
    }
  };
}
