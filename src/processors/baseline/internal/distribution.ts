// One series' distribution, whichever histogram kind it arrived as: an exponential sketch (preferred,
// ~2% quantile error) or an explicit-bucket histogram (accepted; its quantiles carry their bucket's
// error). Everything the processor does to distributions goes through here, so the rest of it does
// not care which kind it holds.

import type { ExponentialHistogramPoint, HistogramPoint } from '../../../pipeline/model.js';
import {
  bucketQuantile,
  bucketValueAtRank,
  mergeBucketHistogramInto,
  mergeBucketHistograms,
  subtractBucketHistograms,
  toBucketHistogram,
  type BucketHistogram,
} from '../../../stats/explicit-histogram.js';
import { mergeSketches, mergeSketchInto, sketchQuantile, sketchValueAtRank, subtractSketch, type ExpoSketch } from '../../../stats/exponential-histogram.js';

export type Dist = { kind: 'exponential'; sketch: ExpoSketch } | { kind: 'explicit'; hist: BucketHistogram };

/**
 * A view of the point, not a copy (one per series per batch would be the steady path's main garbage):
 * nothing here writes into a Dist it does not own; accumulators start from decoded copies (decodeDist).
 */
export function fromExponential(p: ExponentialHistogramPoint): Dist {
  return { kind: 'exponential', sketch: p };
}

export function fromExplicit(p: HistogramPoint): Dist {
  return { kind: 'explicit', hist: toBucketHistogram(p) };
}

export function distCount(d: Dist): number {
  return d.kind === 'exponential' ? d.sketch.count : d.hist.count;
}

export function distSum(d: Dist): number {
  return d.kind === 'exponential' ? d.sketch.sum : d.hist.sum;
}

/** a + b; undefined when they cannot be combined (different kinds or explicit bounds). */
export function mergeDist(a: Dist, b: Dist): Dist | undefined {
  if (a.kind === 'exponential' && b.kind === 'exponential') return { kind: 'exponential', sketch: mergeSketches(a.sketch, b.sketch) };
  if (a.kind === 'explicit' && b.kind === 'explicit') {
    const hist = mergeBucketHistograms(a.hist, b.hist);
    return hist && { kind: 'explicit', hist };
  }
  return undefined;
}

/**
 * a + b written into `a` where possible (no allocation once an accumulating bucket has its range); only for
 * an `a` the caller owns. Returns the result (use it, not `a`); undefined when they cannot be combined.
 */
export function mergeDistInto(a: Dist, b: Dist): Dist | undefined {
  if (a.kind === 'exponential' && b.kind === 'exponential') {
    const sketch = mergeSketchInto(a.sketch, b.sketch);
    if (sketch !== a.sketch) a.sketch = sketch;
    return a;
  }
  if (a.kind === 'explicit' && b.kind === 'explicit') {
    const hist = mergeBucketHistogramInto(a.hist, b.hist);
    if (hist === undefined) return undefined;
    if (hist !== a.hist) a.hist = hist;
    return a;
  }
  return undefined;
}

/** a − b (b a part of a); undefined when they cannot be combined. */
export function subtractDist(a: Dist, b: Dist): Dist | undefined {
  if (a.kind === 'exponential' && b.kind === 'exponential') return { kind: 'exponential', sketch: subtractSketch(a.sketch, b.sketch) };
  if (a.kind === 'explicit' && b.kind === 'explicit') {
    const hist = subtractBucketHistograms(a.hist, b.hist);
    return hist && { kind: 'explicit', hist };
  }
  return undefined;
}

export interface Estimate {
  value: number;
  /** Relative error of an explicit-bucket estimate (its bucket's width); absent for sketches. */
  bucketError?: number;
}

/** The sample at 0-based rank; NaN value when empty. */
export function valueAtRank(d: Dist, rank: number): Estimate {
  if (d.kind === 'exponential') return { value: sketchValueAtRank(d.sketch, rank) };
  const e = bucketValueAtRank(d.hist, rank);
  return e ? { value: e.value, bucketError: e.relativeError } : { value: NaN };
}

/** The q-quantile at rank q·(n−1), as the stats modules define it; NaN value when empty. */
export function quantile(d: Dist, q: number): Estimate {
  if (d.kind === 'exponential') return { value: sketchQuantile(d.sketch, q) };
  const e = bucketQuantile(d.hist, q);
  return e ? { value: e.value, bucketError: e.relativeError } : { value: NaN };
}

// Binary encoding for the store: a kind byte, then varints (counts, indexes, zig-zag for signed) and
// float64s (sum, min, max, bounds). An hour of one series is typically 100–300 bytes.

/**
 * Appends into one growing scratch buffer shared by all encodes (encoding runs for every series at every
 * batch): the only allocation per encode is the exact-size copy done() returns.
 */
class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  reset(): this {
    this.pos = 0;
    return this;
  }
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf);
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
  varint(n: number): void {
    let v = Math.max(0, Math.round(n));
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
      this.reserve(8);
    }
    this.buf[this.pos++] = v;
  }
  signed(n: number): void {
    this.varint(n < 0 ? -2 * n - 1 : 2 * n);
  }
  float(n: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }
  optionalFloat(n: number | undefined): void {
    this.byte(n === undefined ? 0 : 1);
    if (n !== undefined) this.float(n);
  }
  counts(c: readonly number[]): void {
    this.varint(c.length);
    for (const v of c) this.varint(v);
  }
  byte(n: number): void {
    this.reserve(1);
    this.buf[this.pos++] = n;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('truncated distribution');
    return this.bytes[this.pos++]!;
  }
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
  }
  signed(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  float(): number {
    if (this.pos + 8 > this.bytes.length) throw new Error('truncated distribution');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  optionalFloat(): number | undefined {
    return this.byte() === 0 ? undefined : this.float();
  }
  counts(): number[] {
    const n = this.varint();
    if (n > this.bytes.length - this.pos) throw new Error('truncated distribution'); // a varint is at least a byte
    // Sized up front and filled: one allocation, and a packed array of small integers for the engine.
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) out[i] = this.varint();
    return out;
  }
}

const EXPONENTIAL = 1;
const EXPLICIT = 2;

const scratch = new Writer();

export function encodeDist(d: Dist): Uint8Array {
  const w = scratch.reset();
  if (d.kind === 'exponential') {
    const s = d.sketch;
    w.byte(EXPONENTIAL);
    w.varint(s.count);
    w.float(s.sum);
    w.optionalFloat(s.min);
    w.optionalFloat(s.max);
    w.signed(s.scale);
    w.varint(s.zeroCount);
    w.signed(s.positive.offset);
    w.counts(s.positive.bucketCounts);
    w.signed(s.negative.offset);
    w.counts(s.negative.bucketCounts);
  } else {
    const h = d.hist;
    w.byte(EXPLICIT);
    w.varint(h.count);
    w.float(h.sum);
    w.optionalFloat(h.min);
    w.optionalFloat(h.max);
    w.varint(h.bounds.length);
    for (const b of h.bounds) w.float(b);
    w.counts(h.bucketCounts);
  }
  return w.done();
}

/** Inverse of encodeDist; throws on bytes it did not write. */
export function decodeDist(bytes: Uint8Array): Dist {
  const r = new Reader(bytes);
  const kind = r.byte();
  if (kind !== EXPONENTIAL && kind !== EXPLICIT) throw new Error(`unknown distribution kind ${kind}`);
  const count = r.varint();
  const sum = r.float();
  const min = r.optionalFloat();
  const max = r.optionalFloat();
  const extremes = { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  if (kind === EXPONENTIAL) {
    const scale = r.signed();
    const zeroCount = r.varint();
    const positive = { offset: r.signed(), bucketCounts: r.counts() };
    const negative = { offset: r.signed(), bucketCounts: r.counts() };
    return { kind: 'exponential', sketch: { count, sum, scale, zeroCount, positive, negative, ...extremes } };
  }
  const bounds: number[] = [];
  const n = r.varint();
  for (let i = 0; i < n; i++) bounds.push(r.float());
  return { kind: 'explicit', hist: { count, sum, bounds, bucketCounts: r.counts(), ...extremes } };
}
