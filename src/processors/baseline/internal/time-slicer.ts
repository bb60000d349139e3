// Cuts a batch's per-series work into slices that give the event loop back in between. In embedded mode
// the processor runs on the application's own event loop: an hour-closing batch over 10,000 series is
// seconds of work, which must not be one stall of the app's requests.

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest synchronous slice, in ms: below what an app's request latency would notice in its p99. */
export const DEFAULT_SLICE_MS = 10;

export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {}

  /** Starts a new slice (call when the work begins). */
  begin(): void {
    this.sliceStart = performance.now();
  }

  /** Whether the current slice has run its time: then `await yieldTurn()`. Cheap enough to ask per series. */
  get due(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Lets pending I/O and timers run, then starts a new slice. */
  async yieldTurn(): Promise<void> {
    await nextTurn();
    this.begin();
  }
}

/**
 * Serializes async work: each call runs after the previous one settled (batches must not interleave
 * while one of them has yielded mid-way).
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The tail keeps only the settling, not the result: a batch's output must not outlive its consumer.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
