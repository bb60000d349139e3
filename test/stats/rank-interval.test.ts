import { describe, expect, it } from 'vitest';
import { normalQuantile, quantileRankInterval } from '../../src/stats/rank-interval.js';
import { seededRandom } from './random.js';

describe('normalQuantile', () => {
  it('matches standard normal quantiles', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
    expect(normalQuantile(0)).toBe(-Infinity);
  });
});

describe('quantileRankInterval', () => {
  it('brackets the rank n·q and widens with confidence', () => {
    const i95 = quantileRankInterval(1000, 0.95, 0.95)!;
    const i99 = quantileRankInterval(1000, 0.95, 0.99)!;
    expect(i95.lower).toBeLessThan(949);
    expect(i95.upper).toBeGreaterThan(949);
    expect(i99.lower).toBeLessThan(i95.lower);
    expect(i99.upper).toBeGreaterThan(i95.upper);
  });

  it('clamps to the sample and is undefined without samples', () => {
    expect(quantileRankInterval(3, 0.99, 0.95)).toEqual({ lower: 1, upper: 2 });
    expect(quantileRankInterval(0, 0.5, 0.95)).toBeUndefined();
  });

  it('covers the true quantile at about the requested confidence level', () => {
    // Uniform(0,1) samples: the true q-quantile is q itself.
    const random = seededRandom(42);
    const trials = 2000;
    const n = 400;
    for (const q of [0.5, 0.95]) {
      let covered = 0;
      for (let t = 0; t < trials; t++) {
        const sample = Array.from({ length: n }, random).sort((a, b) => a - b);
        const r = quantileRankInterval(n, q, 0.95)!;
        if (sample[r.lower]! <= q && q <= sample[r.upper]!) covered++;
      }
      expect(covered / trials).toBeGreaterThan(0.93);
      expect(covered / trials).toBeLessThan(0.985);
    }
  });
});
