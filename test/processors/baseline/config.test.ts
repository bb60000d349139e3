import { describe, expect, it } from 'vitest';
import { createDefaultConfig, resolve, validate, type BaselineConfig } from '../../../src/processors/baseline/config.js';

const withDefaults = (over: Partial<Record<keyof BaselineConfig, unknown>>): BaselineConfig => ({ ...createDefaultConfig(), ...over }) as BaselineConfig;

describe('baseline config', () => {
  it('accepts the defaults and resolves them to milliseconds and fractions', () => {
    expect(validate(createDefaultConfig())).toEqual([]);
    expect(resolve(createDefaultConfig())).toMatchObject({ windowMs: 60_000, periodMs: 604_800_000, bucketMs: 3_600_000, quantiles: [0.5, 0.95, 0.99], confidenceLevel: 0.95, store: '' });
  });

  it('reports every problem at once, each with its key', () => {
    const issues = validate(
      withDefaults({ window: '2h', period: '90m', bucket: '1h', percentiles: [50, 100, 50], min_samples: 0, min_coverage: 1.5, confidence_level: 1, store: 3, max_series: 0 }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(
      ['window', 'period', 'percentiles::1', 'percentiles', 'min_samples', 'min_coverage', 'confidence_level', 'store', 'max_series'].sort(),
    );
    expect(issues.find((i) => i.path === 'period')!.message).toMatch(/whole multiple of bucket/);
  });

  it('rejects bad durations and periods with too many buckets', () => {
    expect(validate(withDefaults({ window: 'soon' }))).toEqual([{ path: 'window', message: expect.stringContaining('not a duration') }]);
    expect(validate(withDefaults({ period: '30d', bucket: '1m', window: '1m' }))[0]).toMatchObject({ path: 'period', message: expect.stringContaining('at most 10000') });
    expect(validate(withDefaults({ percentiles: [] }))[0]!.path).toBe('percentiles');
  });
});
