// Small descriptive statistics over plain number arrays, shared by detectors and the bench.

/** Arithmetic mean; NaN for an empty array. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n − 1 denominator); NaN below two values. */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** Median (average of the two middle values for an even count); NaN for an empty array. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Exact quantile of an ascending-sorted sample by linear interpolation between closest ranks
 * (rank q·(n−1), "type 7", the definition numpy and R use by default). NaN for an empty sample.
 */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (rank - lo);
}

/** Quantile of an unsorted sample (sorts a copy); see sortedQuantile. */
export function sampleQuantile(values: readonly number[], q: number): number {
  return sortedQuantile([...values].sort((a, b) => a - b), q);
}
