import { describe, expect, it } from 'vitest';
import { proportionBounds, rateBounds, windowQuantileBounds } from '../../../src/processors/regression/internal/window-bounds.js';
import { normalQuantile } from '../../../src/stats/index.js';
import { prng, windowQuantiles, type Route } from './false-alarm-simulation.js';

describe('window confidence bounds', () => {
  it('the p95 bounds from published p50/p95/p99 cover the true p95 about as often as promised', () => {
    const random = prng(5);
    for (const sigma of [0.3, 0.8]) {
      const route: Route = { name: 'x', median: 0.1, sigma, ratePerSecond: 1, errorProbability: 0, baseline: {} };
      const truth = 0.1 * Math.exp(sigma * normalQuantile(0.95));
      let covered = 0;
      let below = 0;
      const trials = 2000;
      for (let i = 0; i < trials; i++) {
        const [p50, p95, p99] = windowQuantiles(route, 400, [0.5, 0.95, 0.99], random) as [number, number, number];
        const b = windowQuantileBounds(new Map([[0.5, p50], [0.95, p95], [0.99, p99]]), 0.95, 400, 0.95)!;
        if (b.lower <= truth && truth <= b.upper) covered++;
        if (b.lower > truth) below++;
      }
      // 95% two-sided: about 2.5% of windows wrongly put the lower bound above the truth.
      expect(covered / trials, `coverage at sigma ${sigma}`).toBeGreaterThan(0.92);
      expect(below / trials, `lower bound above the truth at sigma ${sigma}`).toBeLessThan(0.04);
    }
  });

  it('a single published quantile gives no spread: the point stands for both bounds', () => {
    expect(windowQuantileBounds(new Map([[0.95, 0.2]]), 0.95, 1000, 0.95)).toEqual({ lower: 0.2, upper: 0.2 });
    expect(windowQuantileBounds(new Map([[0.5, 0.1]]), 0.95, 1000, 0.95)).toBeUndefined();
  });

  it('proportion (Wilson) and rate (Poisson score) bounds', () => {
    const p = proportionBounds(0.01, 1000, 0.95);
    expect(p.lower).toBeCloseTo(0.00543, 4);
    expect(p.upper).toBeCloseTo(0.01831, 4);
    expect(proportionBounds(0, 100, 0.95).lower).toBe(0);
    const r = rateBounds(0, 60, 0.95);
    expect(r.lower).toBe(0);
    expect(r.upper, 'nothing counted is still an upper bound above zero').toBeCloseTo(3.8415 / 60, 4);
    const busy = rateBounds(900, 60, 0.95);
    expect(busy.lower).toBeLessThan(15);
    expect(busy.upper).toBeGreaterThan(15);
  });
});
