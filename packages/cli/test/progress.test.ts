// The progress renderer, with a fake stream and a fake clock.
import { describe, expect, it } from 'vitest';
import { Secrets, Writer } from '../src/output.js';
import { Progress } from '../src/progress.js';

function fakeStderr(isTTY: boolean) {
  const sink = { isTTY, columns: 100, text: '', write: (chunk: string) => (sink.text += chunk) };
  return sink;
}

describe('Progress', () => {
  it('on a terminal redraws one line with spinner, status and elapsed time, then clears it', () => {
    const sink = fakeStderr(true);
    let now = 0;
    const progress = new Progress(new Writer(sink, new Secrets()), { now: () => now, frameMs: 60_000 });
    progress.waitStarted('task-1', 5000, 600_000);
    now = 12_000;
    progress.waitUpdate({ taskId: 'task-1', status: 'running', polls: 3, elapsedMs: 12_000 });
    expect(sink.text).toContain('\r\x1b[K⠋ Waiting for export task task-1: running · 12s (gives up after 10m)');
    expect(sink.text).not.toContain('\n');
    progress.waitEnded('task-1', 'success');
    expect(sink.text.endsWith('\r\x1b[KExport task task-1 finished: success after 12s\n')).toBe(true);
  });

  it('on a terminal shows download bytes and rate', () => {
    const sink = fakeStderr(true);
    let now = 0;
    const progress = new Progress(new Writer(sink, new Secrets()), { now: () => now, frameMs: 60_000 });
    progress.downloadStarted('file-1', '/tmp/x.zip');
    now = 2000;
    progress.downloadUpdate(3 * 1024 * 1024);
    now = 2000;
    progress.note('a note keeps the live line below it');
    expect(sink.text).toContain('Downloading: 3.0 MiB · 1.5 MiB/s · 2s');
    progress.downloadEnded(3 * 1024 * 1024);
    expect(sink.text).toMatch(/Downloaded 3\.0 MiB in 2s \(1\.5 MiB\/s\)\n$/);
  });

  it('never draws wider than the terminal', () => {
    const sink = { ...fakeStderr(true), columns: 30 };
    const progress = new Progress(new Writer(sink, new Secrets()), { now: () => 0, frameMs: 60_000 });
    progress.waitStarted('a-very-long-task-id-that-does-not-fit', 5000, 600_000);
    const drawn = sink.text.split('\r\x1b[K').pop()!;
    expect(drawn.length).toBeLessThan(30);
    progress.stop();
  });

  it('elsewhere prints plain lines: on a status change and then at most every 30 s', () => {
    const sink = fakeStderr(false);
    let now = 0;
    const progress = new Progress(new Writer(sink, new Secrets()), { now: () => now });
    progress.waitStarted('task-1', 5000, 600_000);
    for (let t = 5000; t <= 60_000; t += 5000) {
      now = t;
      progress.waitUpdate({ taskId: 'task-1', status: 'running', polls: t / 5000, elapsedMs: t });
    }
    progress.waitEnded('task-1', 'success');
    expect(sink.text).not.toContain('\r');
    expect(sink.text.split('\n').filter(Boolean)).toEqual([
      'Waiting for export task task-1 (checking every 5s, for up to 10m)',
      'Export task task-1: running (5s)',
      'Export task task-1: running (35s)',
      'Export task task-1 finished: success after 1m',
    ]);
  });

  it('redacts secrets in anything it prints', () => {
    const sink = fakeStderr(false);
    const secrets = new Secrets();
    secrets.add('sk-very-secret');
    new Progress(new Writer(sink, secrets)).note('oops sk-very-secret');
    expect(sink.text).toBe('oops [REDACTED]\n');
  });
});
