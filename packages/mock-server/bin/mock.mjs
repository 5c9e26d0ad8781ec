#!/usr/bin/env node
// `pnpm mock [--port N]`: serve spec/ with Prism on 127.0.0.1 until Ctrl-C.
import { parseArgs } from 'node:util';
import { startPrism } from '../src/prism.mjs';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
const port = Number(values.port ?? process.env.PORT ?? 4010);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`hss-mock: --port must be a whole number from 1 to 65535, got "${values.port ?? process.env.PORT}"`);
  process.exit(2);
}
const prism = await startPrism({ port, host: values.host, log: (line) => console.log(line) });
console.log(`Prism mock of spec/hss-export.openapi.yaml listening on ${prism.url} (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await prism.stop();
    process.exit(0);
  });
}
