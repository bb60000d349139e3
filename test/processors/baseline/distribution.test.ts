import { describe, expect, it } from 'vitest';
import { decodeDist, encodeDist, fromExplicit, fromExponential, mergeDist, quantile } from '../../../src/processors/baseline/internal/distribution.js';
import { toSketch } from '../../../src/stats/exponential-histogram.js';
import { recordExplicit, recordExponential } from '../../stats/sdk-recorder.js';

describe('distribution codec', () => {
  it('round-trips SDK-recorded exponential and explicit histograms exactly, compactly', async () => {
    const values = Array.from({ length: 2000 }, (_, i) => 0.01 * (1 + (i % 97) / 10));
    const point = await recordExponential(values);
    const bytes = encodeDist(fromExponential(point));
    // fromExponential is a view of the point; the codec keeps the distribution part (toSketch's fields).
    expect(decodeDist(bytes)).toEqual({ kind: 'exponential', sketch: toSketch(point) });
    expect(bytes.length).toBeLessThan(400);
    const explicit = fromExplicit(await recordExplicit(values, [0.01, 0.05, 0.1]));
    expect(decodeDist(encodeDist(explicit))).toEqual(explicit);
  });

  it('keeps negative offsets and scales, and rejects bytes it did not write', () => {
    const d = { kind: 'exponential' as const, sketch: { count: 3, sum: -1, scale: -2, zeroCount: 1, positive: { offset: -300, bucketCounts: [1] }, negative: { offset: 5, bucketCounts: [1] } } };
    expect(decodeDist(encodeDist(d))).toEqual(d);
    expect(() => decodeDist(Uint8Array.of(9, 0))).toThrow(/unknown distribution kind/);
    expect(() => decodeDist(Uint8Array.of(1))).toThrow(/truncated/);
  });

  it('does not merge different kinds, and surfaces the bucket error of explicit quantiles', async () => {
    const expo = fromExponential(await recordExponential([0.1, 0.2]));
    const explicit = fromExplicit(await recordExplicit([0.1, 0.2], [0.15, 1]));
    expect(mergeDist(expo, explicit)).toBeUndefined();
    expect(quantile(expo, 0.5).bucketError).toBeUndefined();
    expect(quantile(explicit, 0.5).bucketError).toBeGreaterThan(0);
  });
});
