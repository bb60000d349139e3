import { describe, expect, it } from 'vitest';
import { SeriesLimiter } from '../../src/pipeline/series-limiter.js';

describe('SeriesLimiter', () => {
  it('refuses series beyond the per-metric cap, reporting the first drop once per metric', () => {
    const first: string[] = [];
    const limiter = new SeriesLimiter({ maxSeries: 100, maxSeriesPerMetric: 2 }, { firstDrop: (m, r) => void first.push(`${m}:${r}`) });
    expect([limiter.admit('a'), limiter.admit('a'), limiter.admit('a'), limiter.admit('a'), limiter.admit('b')]).toEqual([true, true, false, false, true]);
    expect(limiter.dropped).toBe(2);
    expect(first).toEqual(['a:max_series_per_metric']);
  });

  it('refuses series beyond the total cap and admits again after a release', () => {
    const limiter = new SeriesLimiter({ maxSeries: 2, maxSeriesPerMetric: 10 });
    expect([limiter.admit('a'), limiter.admit('b'), limiter.admit('c')]).toEqual([true, true, false]);
    limiter.release('a');
    expect(limiter.size).toBe(1);
    expect(limiter.admit('c')).toBe(true);
  });
});
