#!/usr/bin/env node
// The hss-export executable: process wiring only (signals, exit code); see run.ts.
import { InterruptedError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { run } from './run.js';

const controller = new AbortController();
let received: 'SIGINT' | 'SIGTERM' | undefined;

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const code = signal === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM;
  if (received) {
    // A second Ctrl-C means "now": the mock's leash still stops Prism.
    process.stderr.write(`\nhss-export: ${signal} again, exiting now\n`);
    process.exit(code);
  }
  received = signal;
  // Aborting makes the download remove its temporary file before we exit.
  controller.abort(new InterruptedError(signal));
  setTimeout(() => {
    process.stderr.write('hss-export: did not stop within 10 s of the interrupt, exiting\n');
    process.exit(code);
  }, 10_000).unref();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `hss-export ... | head` closing the pipe early is not a crash worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.OK);
    throw error;
  });
}

const code = await run(
  process.argv.slice(2),
  { env: process.env, cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  { signal: controller.signal, interruptedBy: () => received },
);
process.exitCode = code;
// Exit as soon as stdout and stderr have handed everything to the OS: a slow reader of a
// pipe gets all of it, and an idle keep-alive socket does not hold the prompt back.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write('', done))));
process.exit(code);
