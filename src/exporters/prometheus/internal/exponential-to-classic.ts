// Prometheus 2.x text exposition has no exponential histograms, so they are written as classic
// histograms with fixed bounds.
//
// Conversion: each exponential bucket (lower, upper] goes whole into the first classic bucket whose bound
// is ≥ its upper edge. A classic count at `le` therefore never includes a value above `le` (SLO ratios are
// never flattered); a value may be counted one classic bucket too high when its exponential bucket
// straddles the bound, i.e. when it lies within one exponential bucket width (a factor 2^(2^-scale): 9% at
// scale 3, 1.1% at scale 6) below the bound. Zero and negative values go to the first bucket.

import type { ExponentialHistogramPoint } from '../../../pipeline/model.js';

/** Seconds: the spec's response-time targets 0.05, 0.2, 0.5, 1, 2, 5, 10 s are all bucket bounds. */
const SECONDS_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 2, 2.5, 5, 7.5, 10, 30, 60];

const TIME_SCALE: Readonly<Record<string, number>> = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

/** Other units (bytes, rows …): decades from 0.001 to 1e12. */
const DECADE_BOUNDS = Array.from({ length: 16 }, (_, i) => Number(`1e${i - 3}`));

/** Classic bounds for an exponential histogram with this unit. */
export function classicBoundsFor(unit: string): number[] {
  const scale = TIME_SCALE[unit];
  return scale === undefined ? DECADE_BOUNDS : SECONDS_BOUNDS.map((b) => Math.round(b * scale * 1e6) / 1e6);
}

/** Bucket counts (bounds.length + 1, last is +Inf) of one exponential point. */
export function toClassicCounts(point: ExponentialHistogramPoint, bounds: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let below = point.zeroCount;
  for (const c of point.negative.bucketCounts) below += c;
  counts[0] = below;
  const base = Math.pow(2, Math.pow(2, -point.scale));
  const { offset, bucketCounts } = point.positive;
  let b = 0;
  for (let i = 0; i < bucketCounts.length; i++) {
    const c = bucketCounts[i] as number;
    if (c === 0) continue;
    const upper = Math.pow(base, offset + i + 1);
    // Bucket upper edges grow with i, so the classic index only moves forward. The 1e-12 tolerance keeps an
    // edge that equals a bound (2^k at scale 0 vs 1) from tipping over through rounding.
    while (b < bounds.length && (bounds[b] as number) * (1 + 1e-12) < upper) b++;
    counts[b] = (counts[b] as number) + c;
  }
  return counts;
}
