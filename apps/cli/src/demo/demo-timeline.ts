// The demo's narration: one line per thing that happened, stamped with seconds since the start,
// and (on a terminal) a progress line under them saying what the demo waits for.

export interface TimelineOptions {
  /** Receives every finished line (stdout, or a buffer in tests). */
  write: (text: string) => void;
  /** Draw the progress line (only on a terminal: it uses carriage returns). */
  progress: boolean;
  now?: () => number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Timeline {
  readonly startMs: number;
  private waiting: string | undefined;
  private waitingSinceMs = 0;
  private frame = 0;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  readonly lines: string[] = [];

  constructor(private readonly options: TimelineOptions) {
    this.now = options.now ?? Date.now;
    this.startMs = this.now();
    if (options.progress) {
      this.timer = setInterval(() => this.drawProgress(), 120);
      this.timer.unref();
    }
  }

  /** Seconds since the start, as printed: `+12.3s`. */
  stamp(atMs = this.now()): string {
    return `+${((atMs - this.startMs) / 1000).toFixed(1)}s`.padStart(7);
  }

  /** A timeline entry; `marker` is one character (▶ step, ⚑ alert, ✔ ok, ✗ failure, · detail). */
  say(marker: string, text: string, atMs?: number): void {
    const line = `${this.stamp(atMs)} ${marker} ${text}`;
    this.print(line);
  }

  /** A line without a time stamp (headings, the summary). */
  plain(text: string): void {
    this.print(text);
  }

  /** Shows `what` on the progress line until the next wait or done(). */
  wait(what: string): void {
    this.waiting = what;
    this.waitingSinceMs = this.now();
    this.drawProgress();
  }

  done(): void {
    this.waiting = undefined;
    this.clearProgress();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.done();
  }

  private print(line: string): void {
    this.lines.push(line);
    this.clearProgress();
    this.options.write(`${line}\n`);
    this.drawProgress();
  }

  private clearProgress(): void {
    if (this.options.progress) this.options.write('\r\x1b[2K');
  }

  private drawProgress(): void {
    if (!this.options.progress || this.waiting === undefined) return;
    const spinner = SPINNER[this.frame++ % SPINNER.length];
    const waited = ((this.now() - this.waitingSinceMs) / 1000).toFixed(1);
    this.options.write(`\r\x1b[2K${this.stamp()} ${spinner} ${this.waiting} (${waited}s)`);
  }
}
