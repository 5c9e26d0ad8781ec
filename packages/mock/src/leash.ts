// Runs one child process and takes it down with us: when our parent goes away (its end
// of our stdin closes, even on SIGKILL) or sends SIGTERM/SIGINT, the child is stopped.
// This is what guarantees that no Prism outlives the test run or command that started it.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('leash: no command given; usage: node leash.js <command> [args...]\n');
  process.exit(2);
}
// The environment is the one our parent built for us (an allowlist); the child inherits it.
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

let stopping = false;
function stop(signal: NodeJS.Signals = 'SIGTERM'): void {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  // Prism exits within ~2 s of SIGTERM; never wait forever.
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
}

process.stdin.on('close', () => stop());
process.stdin.resume();
process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());
child.on('error', (error) => {
  process.stderr.write(`leash: could not start ${command}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
