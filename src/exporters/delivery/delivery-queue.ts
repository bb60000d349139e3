// Delivers notifications to one HTTP receiver in order, through outages: a bounded queue (oldest
// dropped first when full, counted and logged once per outage), one request at a time, retries with
// exponential backoff and jitter, and a timeout per request. Notifications that replace an earlier
// one (the same alert again) take its place in the queue instead of queueing twice.
//
// Never throws at callers: `enqueue` returns at once; failures are logged, not raised.

import type { Logger } from 'pino';
import type { DeliveryTelemetry } from './telemetry.js';

export interface DeliveryPolicy {
  timeoutMs: number;
  queueSize: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Items sent in one request. */
  maxBatch: number;
}

/** A failure described in iora's own words (an HTTP status, a timeout): safe to log, never holds a URL. */
export class DeliveryError extends Error {}

/** A failure that retrying cannot fix (HTTP 4xx other than 408/429): the items are dropped, not retried. */
export class PermanentDeliveryError extends DeliveryError {}

export interface DeliveryTarget<T> {
  /** For logs: must not contain secrets. */
  description: string;
  send(items: T[], signal: AbortSignal): Promise<void>;
  /** Items with the same key replace each other while queued. */
  keyOf?(item: T): string;
}

export class DeliveryQueue<T> {
  private readonly queue: { key: string | undefined; item: T }[] = [];
  private running = false;
  private closed = false;
  private failures = 0;
  /** The queue overflowed during the current outage (logged once per outage). */
  private overflowLogged = false;
  private droppedCount = 0;
  private deliveredCount = 0;
  private wake: (() => void) | undefined;
  private inFlight: AbortController | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: DeliveryTarget<T>,
    private readonly policy: DeliveryPolicy,
    private readonly logger: Logger,
    private readonly telemetry?: DeliveryTelemetry,
  ) {}

  enqueue(items: readonly T[]): void {
    if (this.closed) return;
    for (const item of items) this.push(item);
    if (!this.running) this.idle = this.run();
  }

  /** Waits until the queue is empty, at most `timeoutMs`; then stops (what is left is reported as lost). */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([this.idle, deadline]);
    this.closed = true;
    this.inFlight?.abort();
    this.wake?.();
    if (this.queue.length > 0) {
      this.logger.warn({ target: this.target.description, lost: this.queue.length }, 'shutting down with undelivered notifications');
      this.droppedCount += this.queue.length;
      this.telemetry?.dropped(this.queue.length, 'shutdown');
      this.queue.length = 0;
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  private push(item: T): void {
    const key = this.target.keyOf?.(item);
    if (key !== undefined) {
      const index = this.queue.findIndex((q) => q.key === key);
      if (index >= 0) {
        this.queue[index] = { key, item };
        return;
      }
    }
    if (this.queue.length >= this.policy.queueSize) {
      this.queue.shift();
      this.droppedCount++;
      this.telemetry?.dropped(1, 'queue_full');
      if (!this.overflowLogged) {
        this.overflowLogged = true;
        this.logger.error({ target: this.target.description, queue_size: this.policy.queueSize }, 'notification queue full; dropping the oldest');
      }
    }
    this.queue.push({ key, item });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const batch = this.queue.slice(0, this.policy.maxBatch);
        const outcome = await this.attempt(batch.map((q) => q.item));
        if (this.closed) return;
        if (outcome === 'retry') {
          await this.sleep(this.backoffMs());
          continue;
        }
        // Items replaced while in flight were re-queued as new entries; remove only what was sent.
        for (const sent of batch) {
          const index = this.queue.indexOf(sent);
          if (index >= 0) this.queue.splice(index, 1);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async attempt(items: T[]): Promise<'done' | 'retry'> {
    this.inFlight = new AbortController();
    const timeout = setTimeout(() => this.inFlight?.abort(new DeliveryError(`timed out after ${this.policy.timeoutMs} ms`)), this.policy.timeoutMs);
    timeout.unref();
    try {
      await this.target.send(items, this.inFlight.signal);
      if (this.failures > 0) this.logger.info({ target: this.target.description, failures: this.failures }, 'notifications delivered again');
      this.failures = 0;
      this.overflowLogged = false;
      this.deliveredCount += items.length;
      this.telemetry?.delivered(items.length);
      return 'done';
    } catch (err) {
      if (err instanceof PermanentDeliveryError) {
        this.logger.error({ target: this.target.description, error: err.message, dropped: items.length }, 'notification rejected; not retrying');
        this.droppedCount += items.length;
        this.telemetry?.dropped(items.length, 'rejected');
        return 'done';
      }
      this.telemetry?.failedAttempt();
      if (this.failures++ === 0) {
        this.logger.warn({ target: this.target.description, error: describeError(err) }, 'notification delivery failed; retrying with backoff');
      }
      return 'retry';
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
  }

  private backoffMs(): number {
    const exp = Math.min(this.policy.maxBackoffMs, this.policy.initialBackoffMs * 2 ** Math.min(this.failures - 1, 30));
    return exp / 2 + (Math.random() * exp) / 2;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** An error in words that never include a URL: network error codes, HTTP statuses, timeouts. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.name;
  }
  return err instanceof DeliveryError ? err.message : err.name;
}
