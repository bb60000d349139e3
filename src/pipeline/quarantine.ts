// The host's default Quarantine: series held back from baseline learning while a regression is in
// progress. A bounded map with expiry, so a flood of regressions cannot grow it without limit.

import type { Quarantine } from './component.js';

export const DEFAULT_QUARANTINE_CAPACITY = 100_000;

export class BoundedQuarantine implements Quarantine {
  /** seriesKey → held until (ms). Map order is insertion order, so the first entry is the oldest hold. */
  private readonly held = new Map<string, number>();
  private evictedCount = 0;

  constructor(private readonly capacity = DEFAULT_QUARANTINE_CAPACITY) {}

  hold(seriesKey: string, untilMs: number): void {
    this.held.delete(seriesKey);
    if (this.held.size >= this.capacity) {
      const oldest = this.held.keys().next().value;
      if (oldest !== undefined) this.held.delete(oldest);
      this.evictedCount++;
    }
    this.held.set(seriesKey, untilMs);
  }

  release(seriesKey: string): void {
    this.held.delete(seriesKey);
  }

  isHeld(seriesKey: string, nowMs: number): boolean {
    const until = this.held.get(seriesKey);
    if (until === undefined) return false;
    if (nowMs < until) return true;
    this.held.delete(seriesKey);
    return false;
  }

  get size(): number {
    return this.held.size;
  }

  /** Holds dropped because the map was full. */
  get evicted(): number {
    return this.evictedCount;
  }
}
