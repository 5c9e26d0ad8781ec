#!/usr/bin/env node
// hss-export-mock: serve the HSS export API mock until Ctrl-C or SIGTERM.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startMock } from './mock.js';
import { SCENARIOS, SEQUENCE_HELP } from './scenarios.js';

const USAGE = `Usage: hss-export-mock [--port <n>] [--host <address>] [--scenario <name>]

Serves a contract mock of the Huawei Cloud HSS container export API (Prism, serving the
OpenAPI spec @hss-export/client is built from) until Ctrl-C or SIGTERM.

Options:
  --port <n>          port to listen on (default 4010; 0 picks a free one)
  --host <address>    address to listen on (default 127.0.0.1)
  --scenario <name>   scenario for requests whose URL names none (default "default")
  -h, --help          show this help
  -v, --version       show the version

Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(18)}${s.description}`).join('\n')}
  ${SEQUENCE_HELP}

Per test, use an endpoint that names a scenario and a session of your choosing:
  http://127.0.0.1:4010/_scenario/<scenario>/<session>
and read what that session sent with GET <that endpoint>/_mock/session.
`;

function fail(message: string): never {
  process.stderr.write(`hss-export-mock: ${message}\n`);
  process.exit(2);
}

let values: { port?: string; host?: string; scenario?: string; help?: boolean; version?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}; run hss-export-mock --help for the options`);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.version) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
  process.exit(0);
}
const port = Number(values.port ?? 4010);
if (!/^\d+$/.test(values.port ?? '4010') || port > 65535) {
  fail(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
}

const controller = new AbortController();
let received: NodeJS.Signals | undefined;
let orphaned = false;
const exitCode = () => (received === 'SIGINT' ? 130 : received === 'SIGTERM' ? 143 : 1);
function onSignal(signal: NodeJS.Signals): void {
  // A second Ctrl-C means now: the leash still stops Prism when this process is gone.
  if (received) process.exit(signal === 'SIGINT' ? 130 : 143);
  received = signal;
  controller.abort(new Error(`interrupted (${signal})`));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// When the process that started us exits (a CI step's shell, or the sh that npx runs us in,
// which does not pass on npx's SIGTERM), nobody is left to stop us: stop by ourselves. POSIX
// re-parents an orphan, so a changed ppid is the sign; Node has no event for it.
const parent = process.ppid;
const watchdog = setInterval(() => {
  if (process.ppid === parent || controller.signal.aborted) return;
  orphaned = true;
  controller.abort(new Error('the parent process exited'));
}, 250);
watchdog.unref();

let mock: Awaited<ReturnType<typeof startMock>>;
try {
  mock = await startMock({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.scenario ? { scenario: values.scenario } : {}),
    signal: controller.signal,
    // Prism's own start line says nothing ours does not; its warnings and errors go through.
    log: (line) => {
      if (!/awaiting\s+Starting Prism/.test(line)) process.stderr.write(`prism: ${line}\n`);
    },
  });
} catch (error) {
  if (controller.signal.aborted) process.exit(exitCode());
  fail((error as Error).message);
}
if (controller.signal.aborted) {
  await mock.stop();
  process.exit(exitCode());
}
process.stdout.write(`hss-export-mock: listening on ${mock.url} (scenario ${mock.scenario}; Ctrl-C to stop)\n`);
// Without Prism there is nothing to serve: say so and exit, rather than answer 503 for ever.
mock.crashed.then(async (error) => {
  process.stderr.write(`hss-export-mock: ${error.message}\n`);
  await mock.stop();
  process.exit(1);
});
controller.signal.addEventListener('abort', async () => {
  await mock.stop();
  process.stdout.write(`hss-export-mock: stopped${orphaned ? ' (the process that started it exited)' : ''}\n`);
  process.exit(0);
});
