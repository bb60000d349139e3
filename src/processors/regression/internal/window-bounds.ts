// Confidence bounds of the current window's values, from what the baseline processor publishes.
//
// Quantile: the window publishes point quantiles (p50, p95, p99) and its sample count. The
// distribution-free rank interval (src/stats quantileRankInterval) says which quantile LEVELS
// bracket the true q-quantile (e.g. p95 of 400 samples: levels ≈ 0.928 … 0.971); the values at those
// levels are read off the window's quantile function, interpolated between the published levels
// linearly in (normal score, log value) — exact for a log-normal, the usual latency shape — and
// extrapolated from the nearest pair beyond the last one. With a single published level there is no
// shape to read, and the point value stands for both bounds.
//
// Error ratio: Wilson score interval for a binomial proportion (good at small ratios, unlike the
// Wald interval). Rate: the count is Poisson; its score interval, scaled to a rate.

import { normalQuantile, quantileRankInterval } from '../../../stats/index.js';

export interface Bounds {
  lower: number;
  upper: number;
}

function toLogSpace(q: number, value: number): [number, number] {
  return [normalQuantile(q), Math.log(Math.max(value, Number.MIN_VALUE))];
}

/** The window's quantile function at `level`, from its published quantiles (≥ 2 of them). */
function interpolate(levels: readonly [number, number][], level: number): number {
  // Pick the segment containing `level`, or the nearest end segment to extrapolate from.
  let i = 0;
  while (i < levels.length - 2 && level > levels[i + 1]![0]) i++;
  const [q0, v0] = toLogSpace(...levels[i]!);
  const [q1, v1] = toLogSpace(...levels[i + 1]!);
  const z = normalQuantile(level);
  return Math.exp(v0 + ((v1 - v0) * (z - q0)) / (q1 - q0));
}

export function windowQuantileBounds(
  published: ReadonlyMap<number, number>,
  q: number,
  count: number,
  confidenceLevel: number,
): Bounds | undefined {
  const point = published.get(q);
  if (point === undefined) return undefined;
  const ranks = quantileRankInterval(count, q, confidenceLevel);
  const levels = [...published.entries()].sort((a, b) => a[0] - b[0]);
  if (ranks === undefined || levels.length < 2) return { lower: point, upper: point };
  // 0-based rank r is the (r + 0.5)/n level of the empirical distribution.
  const lowLevel = (ranks.lower + 0.5) / count;
  const highLevel = (ranks.upper + 0.5) / count;
  return {
    lower: Math.min(point, interpolate(levels, lowLevel)),
    upper: Math.max(point, interpolate(levels, highLevel)),
  };
}

export function proportionBounds(ratio: number, count: number, confidenceLevel: number): Bounds {
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const z2 = z * z;
  const denominator = 1 + z2 / count;
  const centre = (ratio + z2 / (2 * count)) / denominator;
  const half = (z * Math.sqrt((ratio * (1 - ratio)) / count + z2 / (4 * count * count))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * Rate bounds from a Poisson count over `seconds` (score interval: sensible at small counts, and at a
 * count of zero still an honest upper bound of z²/seconds).
 */
export function rateBounds(count: number, seconds: number, confidenceLevel: number): Bounds {
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const centre = count + (z * z) / 2;
  const half = z * Math.sqrt(count + (z * z) / 4);
  return { lower: Math.max(0, centre - half) / seconds, upper: (centre + half) / seconds };
}
