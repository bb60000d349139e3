import { describe, expect, it } from 'vitest';
import { compareScenario, DEFAULT_CONFIDENCE_LEVEL, DEFAULT_THRESHOLDS, type CompareRules, type MetricCheck } from '../../src/bench/compare.js';
import { METRICS, type Estimate, type MetricName, type RunMeasurement } from '../../src/bench/measurement.js';

const rules: CompareRules = { thresholds: DEFAULT_THRESHOLDS, confidenceLevel: DEFAULT_CONFIDENCE_LEVEL, failOn: 'high', regressionsFail: true };

/** A run whose every latency quantile is `latency` (± `spread` as its 95% interval), throughput `rps`. */
function run(latency: number, opts: { spread?: number; rps?: number; errorRatio?: number } = {}): RunMeasurement {
  const spread = opts.spread ?? 0.02;
  const at = (v: number, s: number): Estimate => ({ value: v, lower: v * (1 - s), upper: v * (1 + s) });
  const metrics = {} as Record<MetricName, Estimate>;
  for (const m of METRICS) metrics[m] = at(latency, spread);
  metrics.throughput = at(opts.rps ?? 100, 0.05);
  metrics.error_ratio = { value: opts.errorRatio ?? 0, lower: 0, upper: 0.01 };
  return { startedAt: '2026-01-01T00:00:00Z', durationS: 2, ok: 200, errors: 0, metrics };
}

const byMetric = (checks: MetricCheck[], metric: MetricName): MetricCheck => checks.find((c) => c.metric === metric)!;

describe('compareScenario', () => {
  const baseline = [run(100), run(102), run(98)];

  it('the same numbers again: no regression, nothing fails', () => {
    const checks = compareScenario([run(101), run(99), run(100)], baseline, {}, rules);
    expect(checks.map((c) => c.metric)).toEqual([...METRICS]);
    expect(checks.some((c) => c.failed || c.regression)).toBe(false);
    expect(byMetric(checks, 'latency_p95').degradation).toBeCloseTo(0, 2);
  });

  it('+30% across repeated runs is a significant critical regression that fails', () => {
    const p95 = byMetric(compareScenario([run(130), run(132), run(129)], baseline, {}, rules), 'latency_p95');
    expect(p95.degradation).toBeCloseTo(0.303, 2);
    expect(p95.significant).toBe(true);
    expect(p95.confidence).toBeGreaterThan(0.999);
    expect(p95.severity).toBe('critical');
    expect(p95.regression).toBe(true);
    expect(p95.failed).toBe(true);
    expect(p95.summary).toMatch(/^critical regression: 30\.\d% slower than baseline 100\.0 ms \(>99\.9% sure\)$/);
  });

  it('a large change within run-to-run noise is not called', () => {
    const noisyBaseline = [run(70), run(100), run(130)];
    const p95 = byMetric(compareScenario([run(80), run(140), run(120)], noisyBaseline, {}, rules), 'latency_p95');
    expect(p95.degradation).toBeGreaterThan(0.1);
    expect(p95.significant).toBe(false);
    expect(p95.severity).toBeUndefined();
    expect(p95.failed).toBe(false);
    expect(p95.notable).toBe(true);
    expect(p95.summary).toMatch(/within run-to-run noise/);
  });

  it('a single run uses its own interval: a tight +30% counts, a wide one does not', () => {
    const tight = byMetric(compareScenario([run(130)], [run(100)], {}, rules), 'latency_p95');
    expect(tight.significant).toBe(true);
    expect(tight.severity).toBe('critical');
    const wide = byMetric(compareScenario([run(130, { spread: 0.4 })], [run(100, { spread: 0.4 })], {}, rules), 'latency_p95');
    expect(wide.significant).toBe(false);
    expect(wide.failed).toBe(false);
  });

  it('fail-on sets the smallest severity that fails; smaller ones are reported only', () => {
    const current = [run(112), run(113), run(111)];
    const atHigh = byMetric(compareScenario(current, baseline, {}, rules), 'latency_p50');
    expect(atHigh.severity).toBe('medium');
    expect(atHigh.regression).toBe(true);
    expect(atHigh.failed).toBe(false);
    expect(byMetric(compareScenario(current, baseline, {}, { ...rules, failOn: 'medium' }), 'latency_p50').failed).toBe(true);
    expect(byMetric(compareScenario([run(120), run(121), run(119)], baseline, {}, { ...rules, failOn: 'critical' }), 'latency_p50').failed).toBe(false);
  });

  it('a throughput drop is a regression; a rise is not', () => {
    const base = [run(100, { rps: 100 }), run(100, { rps: 101 }), run(100, { rps: 99 })];
    const drop = byMetric(compareScenario([run(100, { rps: 70 }), run(100, { rps: 71 }), run(100, { rps: 69 })], base, {}, rules), 'throughput');
    expect(drop.degradation).toBeCloseTo(0.3, 2);
    expect(drop.severity).toBe('critical');
    expect(drop.summary).toMatch(/30\.0% lower than baseline/);
    const rise = byMetric(compareScenario([run(100, { rps: 140 }), run(100, { rps: 141 })], base, {}, rules), 'throughput');
    expect(rise.degradation).toBeLessThan(0);
    expect(rise.regression).toBe(false);
  });

  it('targets: breached values fail even without a baseline or while recording one', () => {
    const checks = compareScenario([run(600, { errorRatio: 0.01 })], undefined, { p95: 500, errorRate: 0.001, throughput: 150 }, { ...rules, regressionsFail: false });
    expect(byMetric(checks, 'latency_p95')).toMatchObject({ target: 500, targetBreached: true, failed: true });
    expect(byMetric(checks, 'latency_p95').summary).toBe('target ≤ 500.0 ms breached (600.0 ms)');
    expect(byMetric(checks, 'error_ratio')).toMatchObject({ targetBreached: true, failed: true });
    expect(byMetric(checks, 'throughput').summary).toBe('target ≥ 150.0 req/s breached (100.0 req/s)');
    expect(byMetric(checks, 'latency_p50')).toMatchObject({ targetBreached: false, failed: false, summary: 'no baseline' });
  });

  it('while recording a baseline, regressions are reported but do not fail', () => {
    const p95 = byMetric(compareScenario([run(130), run(131)], baseline, {}, { ...rules, regressionsFail: false }), 'latency_p95');
    expect(p95.regression).toBe(true);
    expect(p95.failed).toBe(false);
  });

  it('no successful response: latency has no value and breaches its target', () => {
    const empty = run(100);
    empty.metrics.latency_p95 = { value: NaN, lower: NaN, upper: NaN };
    const p95 = byMetric(compareScenario([empty], baseline, { p95: 500 }, rules), 'latency_p95');
    expect(p95.current).toBeNaN();
    expect(p95.targetBreached).toBe(true);
    expect(p95.regression).toBe(false);
  });
});
