#!/usr/bin/env node
// `pnpm mock [--port N] [--scenario NAME]`: the @hss-export/mock server (scenario layer in
// front of Prism) serving the repository's spec/ on 127.0.0.1 until Ctrl-C.
import { parseArgs } from 'node:util';
import { startMock } from '@hss-export/mock';
import { SPEC_PATH } from '../src/prism.mjs';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' }, scenario: { type: 'string' } },
});
const port = Number(values.port ?? process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`hss-mock: --port must be a whole number from 0 to 65535, got "${values.port ?? process.env.PORT}"`);
  process.exit(2);
}
let mock;
try {
  mock = await startMock({
    port,
    host: values.host,
    scenario: values.scenario,
    spec: SPEC_PATH,
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(`hss-mock: ${error.message}`);
  process.exit(2);
}
console.log(
  `Mock of spec/hss-export.openapi.yaml (scenario ${mock.scenario}) listening on ${mock.url} (Ctrl-C to stop)`,
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await mock.stop();
    process.exit(0);
  });
}
