// Bounded concurrency with a bounded queue: at most `maxActive` requests are read, decoded and consumed at
// once (so memory stays within maxActive × max body size); up to `maxQueued` more wait in order, each for at
// most `maxWaitMs`. Beyond that the receiver sheds load with 429 (queue full) or 503 (waited too long), and
// OTLP clients retry after Retry-After.

export type Admit = 'admitted' | 'queue_full' | 'timed_out';

interface Waiter {
  resolve(result: Admit): void;
  timer: NodeJS.Timeout;
}

export class Admission {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly maxActive: number,
    private readonly maxQueued: number,
    private readonly maxWaitMs: number,
  ) {}

  /** When the result is 'admitted' the caller must call release() exactly once. */
  acquire(): Promise<Admit> {
    if (this.active < this.maxActive) {
      this.active++;
      return Promise.resolve('admitted');
    }
    if (this.queue.length >= this.maxQueued) return Promise.resolve('queue_full');
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          resolve('timed_out');
        }, this.maxWaitMs).unref(),
      };
      this.queue.push(waiter);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve('admitted'); // the slot passes straight to the next waiter
    } else {
      this.active--;
    }
  }

  get inUse(): number {
    return this.active;
  }
}
