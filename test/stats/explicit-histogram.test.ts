import { describe, expect, it } from 'vitest';
import { sortedQuantile } from '../../src/stats/descriptive.js';
import { bucketQuantile, mergeBucketHistograms, subtractBucketHistograms } from '../../src/stats/explicit-histogram.js';
import { seededRandom } from './random.js';
import { recordExplicit } from './sdk-recorder.js';

// instrumentation-http's default buckets (seconds).
const HTTP_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

describe('explicit-bucket histogram quantiles', () => {
  it('puts the exact quantile inside the reported bucket and surfaces the coarse error', async () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 5000 }, () => 0.02 + 0.4 * random() * random());
    const point = await recordExplicit(values, HTTP_BOUNDS);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const est = bucketQuantile(point, q)!;
      const exact = sortedQuantile(sorted, q);
      expect(exact).toBeGreaterThan(est.lower);
      expect(exact).toBeLessThanOrEqual(est.upper);
      expect(Math.abs(est.value - exact) / exact).toBeLessThanOrEqual(est.relativeError);
    }
    // The p95 sits in a wide bucket (0.1–0.25 or 0.25–0.5): the error is far above the 10% threshold.
    expect(bucketQuantile(point, 0.95)!.relativeError).toBeGreaterThan(0.1);
  });

  it('uses max for the +Inf bucket and min for the first one', async () => {
    const point = await recordExplicit([20, 30], [1, 2]);
    expect(bucketQuantile(point, 1)!.value).toBe(30);
    const low = await recordExplicit([0.2, 0.4], [1, 2]);
    expect(bucketQuantile(low, 0)!.lower).toBe(0.2);
  });

  it('merges and subtracts only with equal bounds', async () => {
    const a = await recordExplicit([0.01, 0.2], HTTP_BOUNDS);
    const b = await recordExplicit([0.3], HTTP_BOUNDS);
    const c = await recordExplicit([0.3], [0.1, 1]);
    const m = mergeBucketHistograms(a, b)!;
    expect(m.count).toBe(3);
    expect(m.max).toBe(0.3);
    expect(subtractBucketHistograms(m, b)!.bucketCounts).toEqual(a.bucketCounts);
    expect(mergeBucketHistograms(a, c)).toBeUndefined();
    expect(bucketQuantile({ count: 0, sum: 0, bounds: [1], bucketCounts: [0, 0] }, 0.5)).toBeUndefined();
  });
});
