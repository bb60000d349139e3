// The samples of one memory signal of one process over the leak window, and their robust slope.

import { theilSenSlope } from '../../../stats/index.js';

const MS_PER_HOUR = 3_600_000;

export class GrowthSeries {
  private samples: { x: number; y: number }[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples: number,
  ) {}

  /** Adds a sample newer than the last one and forgets what left the window. */
  add(timeMs: number, bytes: number, nowMs: number): void {
    const last = this.samples[this.samples.length - 1];
    if (Number.isFinite(bytes) && (last === undefined || timeMs > last.x)) this.samples.push({ x: timeMs, y: bytes });
    const cutoff = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.x <= cutoff) drop++;
    if (drop > 0) this.samples.splice(0, drop);
    // Thinning keeps the span (first and last sample) and halves the density, so a burst of fast
    // exports cannot grow state beyond maxSamples; Theil–Sen needs spread, not density.
    if (this.samples.length > this.maxSamples) this.samples = this.samples.filter((_, i) => i % 2 === 0 || i === this.samples.length - 1);
  }

  get count(): number {
    return this.samples.length;
  }

  get spanMs(): number {
    return this.samples.length < 2 ? 0 : this.samples[this.samples.length - 1]!.x - this.samples[0]!.x;
  }

  get newestMs(): number {
    return this.samples[this.samples.length - 1]?.x ?? -Infinity;
  }

  /** Growth in bytes per hour (Theil–Sen: one GC drop or allocation spike does not tilt it). */
  bytesPerHour(): number {
    return theilSenSlope(this.samples) * MS_PER_HOUR;
  }
}
