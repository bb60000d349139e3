// What "normal" is for a route's error ratio and request rate. The baseline processor learns latency
// distributions only, so these two are learned here: exponentially decayed totals of requests,
// failures and seconds (half-life `reference_half_life`), fed only from windows judged normal, so a
// regression in progress is not absorbed (until `accept_after`). A half-life of about an hour follows
// the daily rise and fall of traffic while a sudden drop or error burst still stands out.

import type { Bounds } from './window-bounds.js';
import { proportionBounds, rateBounds } from './window-bounds.js';

/** Windows absorbed before the reference is used: one window is not a history. */
const MIN_WINDOWS = 5;

export class TrafficReference {
  private requests = 0;
  private failures = 0;
  private seconds = 0;
  private windows = 0;
  private lastMs: number | undefined;
  private lastWindowSeconds: number | undefined;

  constructor(private readonly halfLifeMs: number) {}

  /**
   * Adds a window. Consecutive windows overlap (a sliding window is published every batch), so only the
   * share of the window that is new since the last absorbed one is added.
   */
  absorb(requests: number, errorRatio: number, windowSeconds: number, nowMs: number): void {
    const windowMs = windowSeconds * 1000;
    const elapsedMs = this.lastMs === undefined ? windowMs : nowMs - this.lastMs;
    if (!(elapsedMs > 0) || !(windowMs > 0)) return;
    const decay = 0.5 ** (elapsedMs / this.halfLifeMs);
    const share = Math.min(1, elapsedMs / windowMs);
    this.requests = this.requests * decay + requests * share;
    this.failures = this.failures * decay + requests * errorRatio * share;
    this.seconds = this.seconds * decay + windowSeconds * share;
    this.windows++;
    this.lastMs = nowMs;
    this.lastWindowSeconds = windowSeconds;
  }

  ready(minSamples: number): boolean {
    return this.windows >= MIN_WINDOWS && this.requests >= minSamples;
  }

  /** Decayed count of requests behind the reference. */
  get requestsSeen(): number {
    return this.requests;
  }

  get errorRatio(): number {
    return this.requests > 0 ? this.failures / this.requests : 0;
  }

  /** The length of the windows absorbed (for windows that say nothing about it: no requests at all). */
  get windowSeconds(): number | undefined {
    return this.lastWindowSeconds;
  }

  get rate(): number {
    return this.seconds > 0 ? this.requests / this.seconds : 0;
  }

  errorRatioBounds(confidenceLevel: number): Bounds {
    return proportionBounds(this.errorRatio, this.requests, confidenceLevel);
  }

  rateBounds(confidenceLevel: number): Bounds {
    return rateBounds(this.requests, this.seconds, confidenceLevel);
  }
}
