import { describe, expect, it } from 'vitest';
import { mean, median, sampleQuantile, sortedQuantile, stddev } from '../../src/stats/descriptive.js';

describe('descriptive statistics', () => {
  it('computes mean, sample stddev and median', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('returns NaN where a statistic is undefined', () => {
    expect(mean([])).toBeNaN();
    expect(stddev([1])).toBeNaN();
    expect(median([])).toBeNaN();
    expect(sortedQuantile([], 0.5)).toBeNaN();
  });

  it('interpolates quantiles between closest ranks', () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(sortedQuantile(sorted, 0)).toBe(10);
    expect(sortedQuantile(sorted, 1)).toBe(50);
    expect(sortedQuantile(sorted, 0.5)).toBe(30);
    expect(sortedQuantile(sorted, 0.9)).toBeCloseTo(46, 10);
    expect(sampleQuantile([50, 10, 40, 20, 30], 0.25)).toBe(20);
  });
});
