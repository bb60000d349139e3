// The demo's terminal: events as lines; progress as one line rewritten in place on a TTY, and as a plain
// line every few seconds otherwise (logs, CI, tests).

const PLAIN_PROGRESS_EVERY_MS = 5000;

export class DemoOutput {
  private lastProgressMs = -Infinity;
  private progressShown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout,
    private readonly tty = Boolean((stream as NodeJS.WriteStream).isTTY),
  ) {}

  line(text: string): void {
    this.clearProgress();
    this.stream.write(`${text}\n`);
  }

  progress(text: string, nowMs: number): void {
    if (this.tty) {
      const width = (this.stream as NodeJS.WriteStream).columns ?? 120;
      this.stream.write(`\r\x1b[K${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}`);
      this.progressShown = true;
      return;
    }
    if (nowMs - this.lastProgressMs < PLAIN_PROGRESS_EVERY_MS) return;
    this.lastProgressMs = nowMs;
    this.stream.write(`${text}\n`);
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.stream.write('\r\x1b[K');
    this.progressShown = false;
  }
}
