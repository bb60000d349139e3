import { describe, expect, it } from 'vitest';
import { theilSenLine, theilSenSlope, THEIL_SEN_MAX_POINTS } from '../../src/stats/theil-sen.js';
import { normalSampler, seededRandom } from './random.js';

describe('theilSenSlope', () => {
  it('recovers an exact line', () => {
    const points = Array.from({ length: 20 }, (_, i) => ({ x: i, y: 3 + 2 * i }));
    expect(theilSenSlope(points)).toBe(2);
    expect(theilSenLine(points)).toEqual({ slope: 2, intercept: 3 });
  });

  it('ignores a minority of outliers that would tilt least squares', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ x: i, y: 1000 + 5 * i }));
    // 20% of the points are huge spikes at the end (GC pauses, a burst): OLS slope would be far above 5.
    for (let i = 80; i < 100; i++) points[i] = { x: i, y: 1e6 };
    expect(theilSenSlope(points)).toBeGreaterThan(4.9);
    expect(theilSenSlope(points)).toBeLessThan(7);
  });

  it('estimates a noisy slope closely', () => {
    const noise = normalSampler(seededRandom(7));
    const points = Array.from({ length: 500 }, (_, i) => ({ x: i * 60, y: 50e6 + 1000 * i * 60 + 2e6 * noise() }));
    expect(theilSenSlope(points) / 1000).toBeCloseTo(1, 1);
  });

  it('skips equal x and non-finite points; NaN without two distinct x', () => {
    expect(theilSenSlope([{ x: 1, y: 1 }, { x: 1, y: 5 }])).toBeNaN();
    expect(theilSenSlope([])).toBeNaN();
    expect(theilSenSlope([{ x: 0, y: 0 }, { x: 1, y: NaN }, { x: 2, y: 4 }, { x: 2, y: 4 }])).toBe(2);
  });

  it('subsamples evenly above the point cap and still finds the slope', () => {
    const points = Array.from({ length: THEIL_SEN_MAX_POINTS * 3 }, (_, i) => ({ x: i, y: -0.5 * i }));
    expect(theilSenSlope(points)).toBe(-0.5);
  });
});
