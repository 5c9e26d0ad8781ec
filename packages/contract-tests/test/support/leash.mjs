// node leash.mjs <command> [args...]: runs the command in a process group of its own and
// takes the whole group down (SIGKILL) when our parent goes away (its end of our stdin
// closes, also when it was SIGKILLed), when we get SIGTERM or SIGINT, and when the command
// itself ends, so nothing it started (npm's children, tsc, a nested vitest's workers) can
// outlive the test that ran it. Exits with the command's exit code (128 + n for signal n).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('leash: no command given; usage: node leash.mjs <command> [args...]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });

function killGroup() {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

let stopped = false;
function stop() {
  stopped = true;
  killGroup();
}

process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.once('error', (error) => {
  process.stderr.write(`leash: could not start ${command}: ${error.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  killGroup();
  if (stopped && code === null) process.exit(137);
  process.exit(code ?? 128 + (constants.signals[signal] ?? 9));
});
