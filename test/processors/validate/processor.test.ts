import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDefaultConfig } from '../../../src/processors/validate/config.js';
import { validateFactory } from '../../../src/processors/validate/factory.js';
import { WindowedCounters } from '../../../src/processors/validate/internal/windowed-counters.js';
import { caseDirs, mergeConfig, runCase } from '../step-harness.js';

const testdata = fileURLToPath(new URL('./testdata', import.meta.url));

describe('validate golden steps', () => {
  for (const dir of caseDirs(testdata)) {
    it(dir.split('/').pop()!, async () => {
      await runCase(dir, validateFactory, (name) => name.startsWith('iora_target_'));
    });
  }
});

describe('windowed counters', () => {
  const obs = (value: number, timeMs: number, startTimeMs = 0, cumulative = true) => ({ key: 's', value, timeMs, startTimeMs, cumulative });

  it('turns cumulative values into increments and treats a new start time as a reset', () => {
    const c = new WindowedCounters<string>(60_000, 10, () => undefined);
    c.observe('g', 'meta', '', obs(100, 0));
    c.observe('g', 'meta', '', obs(160, 30_000));
    // The process restarted at 40 s: the counter starts over, its 20 counts are all new.
    c.observe('g', 'meta', '', obs(20, 60_000, 40_000));
    const [totals] = c.takeComplete(60_000);
    expect(totals).toEqual({ meta: 'meta', parts: new Map([['', 80]]), seconds: 60 });
    expect(c.takeComplete(60_000)).toEqual([]);
  });

  it('adds delta points as they come', () => {
    const c = new WindowedCounters<string>(60_000, 10, () => undefined);
    c.observe('g', 'm', 'hit', obs(5, 30_000, 0, false));
    c.observe('g', 'm', 'miss', obs(7, 60_000, 30_000, false));
    expect(c.takeComplete(60_000)).toEqual([{ meta: 'm', parts: new Map([['hit', 5], ['miss', 7]]), seconds: 60 }]);
  });

  it('caps the series it tracks and counts the ones it drops', () => {
    let dropped = 0;
    const c = new WindowedCounters<string>(60_000, 2, (n) => (dropped += n));
    for (const key of ['a', 'b', 'c', 'd']) c.observe('g', 'm', '', { ...obs(1, 0), key });
    expect(dropped).toBe(2);
  });
});

describe('validate config', () => {
  it('accepts the defaults', () => {
    expect(validateFactory.validate(createDefaultConfig())).toEqual([]);
  });

  it('reports every problem at once with its path', () => {
    const config = mergeConfig(createDefaultConfig(), {
      safety_margin: 0.9,
      targets: {
        simple_query: { p95: '2s', p99: '1s', typo: 1 },
        empty: {},
        bad: { p95: 'fast', safety_margin: 'x', per_records: 0 },
      },
      error_rate: 2,
      cache: { hit_ratio: -1, min_requests: 0 },
      throughput: { api_rps_sustained: 300, api_rps_peak: 200, records_per_second: -5 },
      resources: { peak_cpu_percent: 120 },
      window: '0s',
    });
    expect(validateFactory.validate(config)).toEqual([
      { path: 'safety_margin', message: 'must be a number ≥ 1 (1 means no margin)' },
      { path: 'targets::simple_query::typo', message: 'unknown key (use p95, p99, safety_margin, per_records)' },
      { path: 'targets::simple_query::p99', message: 'must be ≥ p95' },
      { path: 'targets::empty', message: 'needs p95 or p99' },
      { path: 'targets::bad::p95', message: '"fast" is not a duration (use ms, s, m, h, d, w: 30s, 5m, 1h, 7d)' },
      { path: 'targets::bad::safety_margin', message: 'must be a number ≥ 1 (1 means no margin)' },
      { path: 'targets::bad::per_records', message: 'must be a positive integer' },
      { path: 'error_rate', message: 'must be a ratio between 0 and 1 (0 turns the check off)' },
      { path: 'cache::hit_ratio', message: 'must be a ratio between 0 and 1 (0 turns the check off)' },
      { path: 'cache::min_requests', message: 'must be a positive integer' },
      { path: 'throughput::records_per_second', message: 'must be a number ≥ 0 (0 turns the check off)' },
      { path: 'throughput::api_rps_peak', message: 'must be ≥ api_rps_sustained' },
      { path: 'resources::peak_cpu_percent', message: 'must be at most 100' },
      { path: 'window', message: 'must be greater than zero' },
    ]);
  });
});
