// Quantiles from explicit-bucket histograms (the SDK's default aggregation, and what many OTLP senders
// push). Accepted, but coarse: a quantile is only known to lie in its bucket, and the default HTTP
// buckets (…, 0.25, 0.5, 0.75, 1, …) are far wider than the 10% regression threshold. Every estimate
// therefore comes with the bucket it came from so callers can surface the error.

import type { HistogramPoint } from '../pipeline/model.js';

/** The distribution part of an explicit histogram point. bucketCounts.length === bounds.length + 1. */
export type BucketHistogram = Pick<HistogramPoint, 'count' | 'sum' | 'min' | 'max' | 'bounds' | 'bucketCounts'>;

export interface BucketEstimate {
  /** Linear interpolation inside the bucket (Prometheus' histogram_quantile rule). */
  value: number;
  /** The bucket holding the rank: the true value lies in (lower, upper]. */
  lower: number;
  upper: number;
  /** Worst-case relative error of `value`: max distance to a bucket edge over the value. */
  relativeError: number;
}

export function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function toBucketHistogram(p: BucketHistogram): BucketHistogram {
  const h: BucketHistogram = { count: p.count, sum: p.sum, bounds: p.bounds.slice(), bucketCounts: p.bucketCounts.slice() };
  if (p.min !== undefined) h.min = p.min;
  if (p.max !== undefined) h.max = p.max;
  return h;
}

/** a + b; undefined when their bounds differ (they cannot be merged without inventing data). */
export function mergeBucketHistograms(a: BucketHistogram, b: BucketHistogram): BucketHistogram | undefined {
  if (a.count === 0) return toBucketHistogram(b);
  if (b.count === 0) return toBucketHistogram(a);
  if (!sameBounds(a.bounds, b.bounds)) return undefined;
  const out: BucketHistogram = {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    bounds: a.bounds.slice(),
    bucketCounts: a.bucketCounts.map((c, i) => c + (b.bucketCounts[i] ?? 0)),
  };
  // One side without an extreme makes the merged one unknown (its samples may lie beyond the other's).
  const min = a.min === undefined || b.min === undefined ? undefined : Math.min(a.min, b.min);
  const max = a.max === undefined || b.max === undefined ? undefined : Math.max(a.max, b.max);
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  return out;
}

/** a + b written into `a` (which the caller owns) when the bounds are equal; otherwise as mergeBucketHistograms. */
export function mergeBucketHistogramInto(a: BucketHistogram, b: BucketHistogram): BucketHistogram | undefined {
  if (b.count === 0) return a;
  if (a.count === 0 || !sameBounds(a.bounds, b.bounds)) return mergeBucketHistograms(a, b);
  for (let i = 0; i < a.bucketCounts.length; i++) a.bucketCounts[i]! += b.bucketCounts[i] ?? 0;
  a.count += b.count;
  a.sum += b.sum;
  const min = a.min === undefined || b.min === undefined ? undefined : Math.min(a.min, b.min);
  const max = a.max === undefined || b.max === undefined ? undefined : Math.max(a.max, b.max);
  // Assigned, not deleted: a delete turns the accumulator into a slow dictionary-mode object.
  a.min = min;
  a.max = max;
  return a;
}

/** a − b (b a part of a), counts clamped at zero; undefined when bounds differ. min/max are dropped. */
export function subtractBucketHistograms(a: BucketHistogram, b: BucketHistogram): BucketHistogram | undefined {
  if (b.count === 0) return toBucketHistogram(a);
  if (!sameBounds(a.bounds, b.bounds)) return undefined;
  return {
    count: Math.max(0, a.count - b.count),
    sum: a.sum - b.sum,
    bounds: a.bounds.slice(),
    bucketCounts: a.bucketCounts.map((c, i) => Math.max(0, c - (b.bucketCounts[i] ?? 0))),
  };
}

/**
 * The sample at 0-based `rank`, estimated by interpolating inside its bucket. The first bucket's lower
 * edge is min (or 0 for a non-negative histogram); the +Inf bucket's upper edge is max (or its lower
 * edge when max is unknown, as Prometheus does). Undefined when empty.
 */
export function bucketValueAtRank(h: BucketHistogram, rank: number): BucketEstimate | undefined {
  let total = 0;
  for (const c of h.bucketCounts) total += c;
  if (total === 0) return undefined;
  const r = Math.min(Math.max(rank, 0), total - 1);
  let seen = 0;
  for (let i = 0; i < h.bucketCounts.length; i++) {
    const c = h.bucketCounts[i]!;
    if (c === 0 || seen + c <= r) {
      seen += c;
      continue;
    }
    let lower = i === 0 ? Math.min(0, h.min ?? 0) : h.bounds[i - 1]!;
    let upper = i < h.bounds.length ? h.bounds[i]! : (h.max ?? lower);
    if (h.min !== undefined) lower = Math.max(lower, Math.min(h.min, upper));
    if (h.max !== undefined) upper = Math.min(upper, Math.max(h.max, lower));
    // Ranks inside the bucket spread evenly over (lower, upper].
    const value = lower + (upper - lower) * ((r - seen + 1) / c);
    const relativeError = value === 0 ? 0 : Math.max(value - lower, upper - value) / Math.abs(value);
    return { value, lower, upper, relativeError };
  }
  return undefined;
}

/** The q-quantile at rank q·(n−1) (same definition as sortedQuantile), with its bucket. */
export function bucketQuantile(h: BucketHistogram, q: number): BucketEstimate | undefined {
  let total = 0;
  for (const c of h.bucketCounts) total += c;
  return bucketValueAtRank(h, Math.round(Math.min(Math.max(q, 0), 1) * (total - 1)));
}
