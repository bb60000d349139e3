// Operations on OTel exponential histograms (the model's ExponentialHistogramPoint shape), used as
// mergeable quantile sketches: windows and baselines are merges of recorded points, sliding windows
// subtract what left, and quantiles come out with a relative-error bound that depends only on scale.
//
// Bucket i covers (base^i, base^(i+1)] with base = 2^(2^-scale); bucketCounts[k] is bucket offset+k.
// Lowering the scale by d maps bucket i to i >> d (each coarser bucket is 2^d finer ones).

import type { ExponentialBuckets, ExponentialHistogramPoint } from '../pipeline/model.js';

/** The distribution part of an exponential histogram point (no attributes or times). */
export type ExpoSketch = Pick<
  ExponentialHistogramPoint,
  'count' | 'sum' | 'min' | 'max' | 'scale' | 'zeroCount' | 'positive' | 'negative'
>;

/** The SDK's default maximum bucket count per side; merges keep within it by lowering the scale. */
export const DEFAULT_MAX_BUCKETS = 160;
/** The SDK's maximum scale; an empty sketch starts here so a first merge never loses resolution. */
export const MAX_SCALE = 20;

export function emptySketch(scale = MAX_SCALE): ExpoSketch {
  return { count: 0, sum: 0, scale, zeroCount: 0, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } };
}

/** A deep copy holding only the sketch fields (drops attributes and times of a point). */
export function toSketch(p: ExpoSketch): ExpoSketch {
  const s: ExpoSketch = {
    count: p.count,
    sum: p.sum,
    scale: p.scale,
    zeroCount: p.zeroCount,
    positive: { offset: p.positive.offset, bucketCounts: p.positive.bucketCounts.slice() },
    negative: { offset: p.negative.offset, bucketCounts: p.negative.bucketCounts.slice() },
  };
  if (p.min !== undefined) s.min = p.min;
  if (p.max !== undefined) s.max = p.max;
  return s;
}

/**
 * Worst-case relative error of a quantile read from a sketch at `scale`: the estimate for a bucket
 * (L, L·base] is 2·L·base/(1+base), at most (base−1)/(base+1) away from any value in it (relatively).
 * Scale 4 → 2.2%, scale 3 → 4.3%, scale 5 → 1.1%.
 */
export function relativeErrorBound(scale: number): number {
  const base = Math.pow(2, Math.pow(2, -scale));
  return (base - 1) / (base + 1);
}

/** Index of the first and one past the last non-zero bucket (absolute indexes); undefined when empty. */
function span(b: ExponentialBuckets): { first: number; end: number } | undefined {
  let lo = 0;
  let hi = b.bucketCounts.length;
  while (lo < hi && b.bucketCounts[lo] === 0) lo++;
  while (hi > lo && b.bucketCounts[hi - 1] === 0) hi--;
  return lo === hi ? undefined : { first: b.offset + lo, end: b.offset + hi };
}

/** The scale at which the union of the given bucket spans fits in maxBuckets (scale never rises). */
function fittingScale(scale: number, spans: ReadonlyArray<{ first: number; end: number; scale: number } | undefined>, maxBuckets: number): number {
  let s = scale;
  for (;;) {
    let first = Infinity;
    let last = -Infinity;
    for (const sp of spans) {
      if (!sp) continue;
      const d = sp.scale - s;
      first = Math.min(first, sp.first >> d);
      last = Math.max(last, (sp.end - 1) >> d);
    }
    if (first === Infinity || last - first + 1 <= maxBuckets) return s;
    s--;
  }
}

/** Add `sign`·counts of `from` (at scale `fromScale`) into a dense array for `first` at `scale`. */
function accumulate(into: number[], first: number, scale: number, from: ExponentialBuckets, fromScale: number, sign: 1 | -1): void {
  const d = fromScale - scale;
  for (let k = 0; k < from.bucketCounts.length; k++) {
    const c = from.bucketCounts[k]!;
    if (c === 0) continue;
    const i = ((from.offset + k) >> d) - first;
    // Only when subtracting buckets a never had (outside its span): they would go negative anyway.
    if (i < 0 || i >= into.length) continue;
    into[i] = into[i]! + sign * c;
  }
}

function combineSide(a: ExponentialBuckets, aScale: number, b: ExponentialBuckets, bScale: number, scale: number, sign: 1 | -1): ExponentialBuckets {
  const sa = span(a);
  const sb = sign === 1 ? span(b) : undefined; // a difference lies within a's span
  if (!sa && !sb) return { offset: 0, bucketCounts: [] };
  const first = Math.min(sa ? sa.first >> (aScale - scale) : Infinity, sb ? sb.first >> (bScale - scale) : Infinity);
  const last = Math.max(sa ? (sa.end - 1) >> (aScale - scale) : -Infinity, sb ? (sb.end - 1) >> (bScale - scale) : -Infinity);
  // Dense and pre-filled: no holes, so the engine keeps a packed array of small integers.
  const counts: number[] = new Array<number>(last - first + 1).fill(0);
  accumulate(counts, first, scale, a, aScale, 1);
  accumulate(counts, first, scale, b, bScale, sign);
  // A subtrahend that is not a part of a (a reset) would leave negatives: they become 0.
  if (sign === -1) for (let i = 0; i < counts.length; i++) counts[i] = Math.max(0, counts[i]!);
  return sign === 1 ? { offset: first, bucketCounts: counts } : trim({ offset: first, bucketCounts: counts });
}

function trim(b: ExponentialBuckets): ExponentialBuckets {
  const sp = span(b);
  if (!sp) return { offset: 0, bucketCounts: [] };
  return { offset: sp.first, bucketCounts: b.bucketCounts.slice(sp.first - b.offset, sp.end - b.offset) };
}

function spanAt(b: ExponentialBuckets, scale: number): { first: number; end: number; scale: number } | undefined {
  const sp = span(b);
  return sp ? { ...sp, scale } : undefined;
}

/**
 * a + b as a new sketch. The result's scale is the lower of the two, lowered further until each side
 * fits in `maxBuckets` buckets (as the SDK does when recording), so merging many sketches stays bounded.
 */
export function mergeSketches(a: ExpoSketch, b: ExpoSketch, maxBuckets = DEFAULT_MAX_BUCKETS): ExpoSketch {
  if (b.count === 0) return toSketch(a);
  if (a.count === 0) return toSketch(b);
  let scale = Math.min(a.scale, b.scale);
  scale = Math.min(
    fittingScale(scale, [spanAt(a.positive, a.scale), spanAt(b.positive, b.scale)], maxBuckets),
    fittingScale(scale, [spanAt(a.negative, a.scale), spanAt(b.negative, b.scale)], maxBuckets),
  );
  const out: ExpoSketch = {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    scale,
    zeroCount: a.zeroCount + b.zeroCount,
    positive: combineSide(a.positive, a.scale, b.positive, b.scale, scale, 1),
    negative: combineSide(a.negative, a.scale, b.negative, b.scale, scale, 1),
  };
  const min = minOf(a.min, b.min);
  const max = maxOf(a.max, b.max);
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  return out;
}

// A side without min/max (a difference, or a sender that omits them) makes the merged extreme unknown:
// keeping the other side's would clamp quantiles of the unknown part to it.
function minOf(x: number | undefined, y: number | undefined): number | undefined {
  return x === undefined || y === undefined ? undefined : Math.min(x, y);
}

function maxOf(x: number | undefined, y: number | undefined): number | undefined {
  return x === undefined || y === undefined ? undefined : Math.max(x, y);
}

/**
 * a + b, written into `a` when a's bucket arrays already cover b's buckets at a's scale (the steady state of
 * an accumulating bucket: no allocation); otherwise a new sketch as mergeSketches returns. Only for an `a`
 * the caller owns. Returns the result (use it, not `a`).
 */
export function mergeSketchInto(a: ExpoSketch, b: ExpoSketch, maxBuckets = DEFAULT_MAX_BUCKETS): ExpoSketch {
  if (b.count === 0) return a;
  if (a.count === 0 || a.scale > b.scale || !covers(a.positive, b.positive, b.scale - a.scale) || !covers(a.negative, b.negative, b.scale - a.scale)) {
    return mergeSketches(a, b, maxBuckets);
  }
  const d = b.scale - a.scale;
  addInto(a.positive, b.positive, d);
  addInto(a.negative, b.negative, d);
  a.count += b.count;
  a.sum += b.sum;
  a.zeroCount += b.zeroCount;
  const min = minOf(a.min, b.min);
  const max = maxOf(a.max, b.max);
  // Assigned, not deleted: a delete turns the accumulator into a slow dictionary-mode object.
  a.min = min;
  a.max = max;
  return a;
}

/** Whether `into` has a slot for every non-empty bucket of `from` (lowered by d scales). */
function covers(into: ExponentialBuckets, from: ExponentialBuckets, d: number): boolean {
  const sp = span(from);
  if (!sp) return true;
  return (sp.first >> d) >= into.offset && ((sp.end - 1) >> d) < into.offset + into.bucketCounts.length;
}

function addInto(into: ExponentialBuckets, from: ExponentialBuckets, d: number): void {
  for (let k = 0; k < from.bucketCounts.length; k++) {
    const c = from.bucketCounts[k]!;
    if (c !== 0) into.bucketCounts[((from.offset + k) >> d) - into.offset]! += c;
  }
}

/** Merge any number of sketches (empty input → empty sketch). */
export function mergeAll(sketches: Iterable<ExpoSketch>, maxBuckets = DEFAULT_MAX_BUCKETS): ExpoSketch {
  let acc = emptySketch();
  for (const s of sketches) acc = mergeSketches(acc, s, maxBuckets);
  return acc;
}

/**
 * a − b, where b is a part of a (an earlier cumulative point, or a window's part that left). The result
 * is at the lower scale; counts that would go negative (b is not part of a, e.g. after a reset) are
 * clamped to zero. min/max of a difference are unknown and left out.
 */
export function subtractSketch(a: ExpoSketch, b: ExpoSketch): ExpoSketch {
  if (b.count === 0) return toSketch(a);
  const scale = Math.min(a.scale, b.scale);
  return {
    count: Math.max(0, a.count - b.count),
    sum: a.sum - b.sum,
    scale,
    zeroCount: Math.max(0, a.zeroCount - b.zeroCount),
    positive: combineSide(a.positive, a.scale, b.positive, b.scale, scale, -1),
    negative: combineSide(a.negative, a.scale, b.negative, b.scale, scale, -1),
  };
}

/** Bucket count total (negative + zero + positive); equals `count` for a well-formed sketch. */
export function bucketTotal(s: ExpoSketch): number {
  let n = s.zeroCount;
  for (const c of s.positive.bucketCounts) n += c;
  for (const c of s.negative.bucketCounts) n += c;
  return n;
}

function representative(index: number, scale: number): number {
  const base = Math.pow(2, Math.pow(2, -scale));
  const lower = Math.pow(2, index * Math.pow(2, -scale));
  return (2 * lower * base) / (1 + base);
}

/**
 * The value of the sample at 0-based `rank` in sorted order, within relativeErrorBound(scale) of the
 * true sample value (clamped to min/max when known, which only makes it closer). NaN when empty.
 */
export function sketchValueAtRank(s: ExpoSketch, rank: number): number {
  return valueAtRankOf(s, rank, bucketTotal(s));
}

function valueAtRankOf(s: ExpoSketch, rank: number, total: number): number {
  if (total === 0) return NaN;
  const r = Math.min(Math.max(Math.floor(rank), 0), total - 1);
  if (r === 0 && s.min !== undefined) return s.min;
  if (r === total - 1 && s.max !== undefined) return s.max;
  return clamp(unclampedValueAtRank(s, r), s.min, s.max);
}

function unclampedValueAtRank(s: ExpoSketch, r: number): number {
  let seen = 0;
  // Most negative first: negative buckets from the largest magnitude down.
  const neg = s.negative.bucketCounts;
  for (let k = neg.length - 1; k >= 0; k--) {
    seen += neg[k]!;
    if (seen > r) return -representative(s.negative.offset + k, s.scale);
  }
  seen += s.zeroCount;
  if (seen > r) return 0;
  const pos = s.positive.bucketCounts;
  for (let k = 0; k < pos.length; k++) {
    seen += pos[k]!;
    if (seen > r) return representative(s.positive.offset + k, s.scale);
  }
  return representative(s.positive.offset + pos.length - 1, s.scale);
}

function clamp(v: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && v < min) return min;
  if (max !== undefined && v > max) return max;
  return v;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) with the same definition as sortedQuantile (rank q·(n−1), linear between
 * neighbouring ranks), within relativeErrorBound(scale) of the exact sample quantile for positive data.
 * NaN when empty.
 */
export function sketchQuantile(s: ExpoSketch, q: number): number {
  const total = bucketTotal(s);
  if (total === 0) return NaN;
  const rank = Math.min(Math.max(q, 0), 1) * (total - 1);
  const lo = Math.floor(rank);
  const a = valueAtRankOf(s, lo, total);
  if (rank === lo) return a;
  return a + (valueAtRankOf(s, lo + 1, total) - a) * (rank - lo);
}
