// A reader slower than the CLI: stdout is a pipe nobody reads for a while. The CLI must
// wait until the OS has taken every byte before it exits, not cut its output short.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { setTimeout as pause } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { jsonOf, scripted, startCli } from '../support/run-cli.js';
import { TASK, type Received } from '../support/scripted-server.js';

// task_name itself is capped at 128 characters by the spec (a longer one is refused as a
// malformed answer); the spec lets an ExportTask carry other fields, and the CLI prints
// the whole answer, so the bulk rides in one of those. About 3 MB, under the client's
// 4 MiB cap on JSON answers, and far more than a pipe holds (64 KiB on Linux).
const BULK = 'n'.repeat(3 * 1024 * 1024);
const TASK_ANSWER = {
  task_id: 'task-1',
  task_name: 'container_export_task',
  task_status: 'success',
  file_id: 'file-1',
  notes: BULK,
};
// Longer than the 500 ms after which the CLI used to force its exit.
const READER_PAUSE_MS = 1500;

describe('a slow reader of stdout gets all of it', () => {
  it.each([
    ['get-export-task --json', ['get-export-task', '--task-id', 'task-1', '--json']],
    ['get-export-task', ['get-export-task', '--task-id', 'task-1']],
  ])('%s', async (_, command) => {
    let answered!: () => void;
    const sent = new Promise<void>((resolve) => (answered = resolve));
    const s = await scripted({
      [TASK]: [
        (res: ServerResponse, _req: Received) => {
          res.on('finish', () => answered());
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(TASK_ANSWER));
        },
      ],
    });
    const cli = startCli([...command, '--endpoint', s.url], { holdStdout: true });
    const exited = once(cli.child, 'exit');
    // The answer is on its way to the CLI, which writes it out at once; nobody reads yet.
    await sent;
    await pause(READER_PAUSE_MS);
    cli.releaseStdout();
    // 'close' comes after the exit and the end of every pipe: nothing is still in flight.
    const [r, [code]] = await Promise.all([cli.result, exited]);
    expect(code).toBe(0);
    expect(r.code).toBe(0);
    if (command.includes('--json')) {
      expect(jsonOf(r)).toEqual(TASK_ANSWER);
    } else {
      const lines = r.stdout.split('\n');
      expect(lines.at(-1)).toBe('');
      expect(lines.find((l) => l.startsWith('notes:'))?.replace(/^notes: +/, '')).toBe(BULK);
    }
  });
});
