import { AggregationType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { sortedQuantile } from '../../src/stats/descriptive.js';
import {
  bucketTotal,
  emptySketch,
  mergeAll,
  mergeSketches,
  mergeSketchInto,
  relativeErrorBound,
  sketchQuantile,
  sketchValueAtRank,
  subtractSketch,
  toSketch,
} from '../../src/stats/exponential-histogram.js';
import { normalSampler, seededRandom } from './random.js';
import { recordExponential, SdkHistogramRecorder } from './sdk-recorder.js';

const N = 20_000;
const QUANTILES = [0.5, 0.95, 0.99];

function samples(kind: string, seed: number, n = N): number[] {
  const random = seededRandom(seed);
  const normal = normalSampler(random);
  switch (kind) {
    case 'lognormal':
      return Array.from({ length: n }, () => 0.05 * Math.exp(0.6 * normal()));
    case 'bimodal': // cache hits ~10 ms, misses ~200 ms
      return Array.from({ length: n }, () => (random() < 0.7 ? 0.01 : 0.2) * Math.exp(0.15 * normal()));
    case 'heavy-tailed': // Pareto, alpha 1.5: p99 ≈ 21× the minimum
      return Array.from({ length: n }, () => 0.005 / Math.pow(1 - random(), 1 / 1.5));
    case 'constant':
      return Array.from({ length: n }, () => 0.042);
    default:
      throw new Error(kind);
  }
}

function expectWithin(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThanOrEqual(relative);
}

describe('exponential histogram sketch quantiles (recorded through the OTel SDK)', () => {
  for (const kind of ['lognormal', 'bimodal', 'heavy-tailed', 'constant']) {
    it(`p50/p95/p99 within 3% of the exact sample quantiles: ${kind}`, async () => {
      const values = samples(kind, 11);
      const point = await recordExponential(values);
      const sorted = [...values].sort((a, b) => a - b);
      expect(point.count).toBe(N);
      expect(bucketTotal(point)).toBe(N);
      for (const q of QUANTILES) {
        const exact = sortedQuantile(sorted, q);
        expectWithin(sketchQuantile(point, q), exact, 0.03);
        // The documented bound holds too (it is the guarantee; 3% is the acceptance criterion).
        expectWithin(sketchQuantile(point, q), exact, relativeErrorBound(point.scale) + 1e-9);
      }
    });
  }

  it('documents its error bound by scale', () => {
    expect(relativeErrorBound(3)).toBeCloseTo(0.0433, 4);
    expect(relativeErrorBound(4)).toBeCloseTo(0.0217, 4);
  });

  it('returns min and max exactly at the extreme ranks and NaN when empty', async () => {
    const point = await recordExponential([0.003, 0.01, 0.5]);
    expect(sketchValueAtRank(point, 0)).toBe(0.003);
    expect(sketchValueAtRank(point, 2)).toBe(0.5);
    expect(sketchQuantile(emptySketch(), 0.5)).toBeNaN();
  });
});

describe('merge and subtract', () => {
  it('merging sketches of different scales equals the sketch of all samples within the bound', async () => {
    const narrow = samples('constant', 1, 5000).map((v, i) => v * (1 + (i % 10) / 1000)); // high scale
    const wide = samples('heavy-tailed', 2, 15000); // lower scale
    const a = await recordExponential(narrow);
    const b = await recordExponential(wide);
    expect(a.scale).toBeGreaterThan(b.scale);
    const merged = mergeSketches(a, b);
    expect(merged.scale).toBeLessThanOrEqual(b.scale);
    expect(merged.count).toBe(20000);
    expect(bucketTotal(merged)).toBe(20000);
    expect(merged.sum).toBeCloseTo(a.sum + b.sum, 9);
    expect(merged.positive.bucketCounts.length).toBeLessThanOrEqual(160);
    const sorted = [...narrow, ...wide].sort((x, y) => x - y);
    for (const q of QUANTILES) expectWithin(sketchQuantile(merged, q), sortedQuantile(sorted, q), 0.03);
  });

  it('merging many hourly sketches stays within the bucket limit and keeps accuracy', async () => {
    const hours = await Promise.all(
      Array.from({ length: 24 }, (_, h) => recordExponential(samples('lognormal', 100 + h, 1000).map((v) => v * (1 + h / 24)))),
    );
    const merged = mergeAll(hours);
    expect(merged.count).toBe(24000);
    expect(merged.positive.bucketCounts.length).toBeLessThanOrEqual(160);
    const all = Array.from({ length: 24 }, (_, h) => samples('lognormal', 100 + h, 1000).map((v) => v * (1 + h / 24))).flat().sort((x, y) => x - y);
    for (const q of QUANTILES) expectWithin(sketchQuantile(merged, q), sortedQuantile(all, q), 0.03);
  });

  it('subtracting an earlier cumulative point yields the later part (cumulative → delta)', async () => {
    const rec = new SdkHistogramRecorder({ type: AggregationType.EXPONENTIAL_HISTOGRAM });
    const first = samples('lognormal', 5, 8000);
    const second = samples('bimodal', 6, 12000);
    rec.record(first);
    const m1 = await rec.collect();
    rec.record(second);
    const m2 = await rec.collect();
    await rec.shutdown();
    if (m1?.kind !== 'exponential_histogram' || m2?.kind !== 'exponential_histogram') throw new Error('expected exponential');
    const delta = subtractSketch(m2.points[0]!, m1.points[0]!);
    expect(delta.count).toBe(12000);
    expect(bucketTotal(delta)).toBe(12000);
    expect(delta.sum).toBeCloseTo(second.reduce((s, v) => s + v, 0), 6);
    const sorted = [...second].sort((x, y) => x - y);
    for (const q of QUANTILES) expectWithin(sketchQuantile(delta, q), sortedQuantile(sorted, q), 0.03);
  });

  it('clamps counts at zero when the subtrahend is not a part (reset)', async () => {
    const a = await recordExponential([0.01, 0.02]);
    const b = await recordExponential([0.5, 0.6, 0.7]);
    const d = subtractSketch(a, b);
    expect(d.count).toBe(0);
    expect(d.positive.bucketCounts.every((c) => c >= 0)).toBe(true);
  });

  it('merging with an empty sketch is a copy, and toSketch is deep', async () => {
    const a = await recordExponential([0.01, 0.02, 0.03]);
    const m = mergeSketches(emptySketch(), a);
    expect(m).toEqual(toSketch(a));
    m.positive.bucketCounts[0] = 99;
    expect(a.positive.bucketCounts[0]).not.toBe(99);
  });

  it('orders negative values before zero and positive ones', () => {
    // The SDK's histogram instrument drops negative values, so this sketch is built by hand (scale 0:
    // bucket i covers (2^i, 2^(i+1)]): -3 (bucket 1), -1.5 (bucket 0), 0, 1.5 (bucket 0), 3 (bucket 1).
    const sketch = {
      count: 5, sum: 0, scale: 0, zeroCount: 1,
      positive: { offset: 0, bucketCounts: [1, 1] },
      negative: { offset: 0, bucketCounts: [1, 1] },
    };
    const values = [0, 1, 2, 3, 4].map((r) => sketchValueAtRank(sketch, r));
    expect(values).toEqual([-8 / 3, -4 / 3, 0, 4 / 3, 8 / 3]);
  });
});

describe('extremes', () => {
  it('a merge with a side of unknown min/max (a difference) has unknown extremes, so quantiles are not clamped', async () => {
    const first = await recordExponential([0.01]);
    const later = subtractSketch(await recordExponential([0.01, 0.2, 0.3, 0.4]), first); // no min/max
    const merged = mergeSketches(first, later);
    expect(merged.max).toBeUndefined();
    expect(sketchQuantile(merged, 1)).toBeGreaterThan(0.38);
  });
});

describe('mergeSketchInto', () => {
  it('accumulates in place once the range is covered, and equals mergeSketches either way', async () => {
    const parts = await Promise.all([0, 1, 2, 3].map((k) => recordExponential(samples('lognormal', 50 + k, 3000))));
    let acc = toSketch(parts[0]!);
    let pure = toSketch(parts[0]!);
    let inPlace = 0;
    for (const p of parts.slice(1)) {
      const before = acc;
      acc = mergeSketchInto(acc, p);
      if (acc === before) inPlace++;
      pure = mergeSketches(pure, p);
    }
    expect(inPlace).toBeGreaterThan(0);
    expect(acc.count).toBe(pure.count);
    for (const q of QUANTILES) expect(sketchQuantile(acc, q)).toBeCloseTo(sketchQuantile(pure, q), 12);
    expect(parts[1]!.count).toBe(3000); // the merged-in sketches are left alone
  });
});
