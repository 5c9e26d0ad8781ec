// Progress on stderr. On a terminal: one live line (spinner, what is happening, elapsed
// time, bytes and rate) redrawn in place with \r and cleared when done. Anywhere else
// (a pipe, a CI log): plain lines, only when something changes or now and then, so logs
// stay short and parseable.
import type { ExportProgress } from '@hss-export/client';
import { formatBytes, formatDuration, formatRate } from './format.js';
import type { Writer } from './output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
const CLEAR_LINE = '\r\x1b[K';

export interface ProgressOptions {
  /** Defaults to whether the writer is a terminal. */
  live?: boolean;
  now?: () => number;
  /** Non-terminal output repeats an unchanged state at most this often. */
  plainEveryMs?: number;
  /** Redraw interval of the live line. */
  frameMs?: number;
}

export class Progress {
  private readonly live: boolean;
  private readonly now: () => number;
  private readonly plainEveryMs: number;
  private readonly frameMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private render: (() => string) | undefined;
  private frame = 0;
  private drawn = false;
  private started = 0;
  private lastPlain = 0;
  private status: string | undefined;
  private bytes = 0;

  constructor(
    private readonly err: Writer,
    options: ProgressOptions = {},
  ) {
    this.live = options.live ?? err.isTTY;
    this.now = options.now ?? Date.now;
    this.plainEveryMs = options.plainEveryMs ?? 30_000;
    this.frameMs = options.frameMs ?? 100;
  }

  /** A line that stays, printed above the live line (which is redrawn below it). */
  note(text: string): void {
    this.clearLine();
    this.err.line(text);
    this.draw();
  }

  waitStarted(taskId: string, pollIntervalMs: number, timeoutMs: number): void {
    this.started = this.now();
    this.status = undefined;
    if (this.live) {
      this.startLive(
        () =>
          `Waiting for export task ${taskId}: ${this.status ?? 'checking'} · ${formatDuration(this.now() - this.started)} ` +
          `(gives up after ${formatDuration(timeoutMs)})`,
      );
    } else {
      this.note(
        `Waiting for export task ${taskId} (checking every ${formatDuration(pollIntervalMs)}, for up to ${formatDuration(timeoutMs)})`,
      );
      this.lastPlain = this.started;
    }
  }

  waitUpdate(progress: ExportProgress): void {
    const changed = progress.status !== this.status;
    this.status = progress.status;
    if (this.live) {
      this.draw();
      return;
    }
    const now = this.now();
    // The end states get their own line (waitEnded) or error message.
    if (progress.status !== 'running') return;
    if (changed || now - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = now;
      this.err.line(`Export task ${progress.taskId}: ${progress.status} (${formatDuration(progress.elapsedMs)})`);
    }
  }

  waitEnded(taskId: string, status: string): void {
    this.stop();
    this.err.line(`Export task ${taskId} finished: ${status} after ${formatDuration(this.now() - this.started)}`);
  }

  downloadStarted(fileId: string, path: string): void {
    this.started = this.now();
    this.bytes = 0;
    if (this.live) {
      this.note(`Downloading file ${fileId} to ${path}`);
      this.startLive(() => {
        const elapsed = this.now() - this.started;
        const rate = formatRate(this.bytes, elapsed);
        return `Downloading: ${formatBytes(this.bytes)}${rate === '-' ? '' : ` · ${rate}`} · ${formatDuration(elapsed)}`;
      });
    } else {
      this.note(`Downloading file ${fileId} to ${path}`);
      this.lastPlain = this.started;
    }
  }

  downloadUpdate(bytes: number): void {
    this.bytes = bytes;
    if (this.live) return;
    const now = this.now();
    if (now - this.lastPlain >= this.plainEveryMs) {
      this.lastPlain = now;
      this.err.line(`Downloaded ${formatBytes(bytes)} so far (${formatRate(bytes, now - this.started)})`);
    }
  }

  downloadEnded(bytes: number): void {
    this.stop();
    const elapsed = this.now() - this.started;
    const rate = formatRate(bytes, elapsed);
    this.err.line(`Downloaded ${formatBytes(bytes)} in ${formatDuration(elapsed)}${rate === '-' ? '' : ` (${rate})`}`);
  }

  /** Clears the live line and stops redrawing; safe to call more than once. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render = undefined;
    this.clearLine();
  }

  private startLive(render: () => string): void {
    this.render = render;
    this.frame = 0;
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.draw();
      }, this.frameMs);
      // Progress must never be what keeps the process alive.
      this.timer.unref?.();
    }
    this.draw();
  }

  private draw(): void {
    if (!this.live || !this.render) return;
    const text = `${FRAMES[this.frame]} ${this.render()}`;
    // Wider than the terminal would wrap, and \r would then redraw only the last row.
    const fitted = text.length >= this.err.columns ? `${text.slice(0, this.err.columns - 2)}…` : text;
    this.err.write(`${CLEAR_LINE}${fitted}`);
    this.drawn = true;
  }

  private clearLine(): void {
    if (!this.drawn) return;
    this.err.write(CLEAR_LINE);
    this.drawn = false;
  }
}
