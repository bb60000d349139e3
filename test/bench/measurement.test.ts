import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/bench/measurement.js';

describe('summarize', () => {
  it('quantiles of the raw latencies with order-statistic intervals; rate and error ratio with theirs', () => {
    // 1..1000 ms shuffled: p50 ≈ 500.5, p95 ≈ 950.05, p99 ≈ 990.01.
    const latencies = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1);
    const run = summarize({ startedAt: new Date('2026-11-27T10:00:00Z'), durationS: 2, latencies, errors: 10 });
    expect(run).toMatchObject({ startedAt: '2026-11-27T10:00:00.000Z', durationS: 2, ok: 1000, errors: 10 });
    const { latency_p50: p50, latency_p95: p95, latency_p99: p99, throughput, error_ratio: errors } = run.metrics;
    expect(p50.value).toBeCloseTo(500.5, 6);
    expect(p95.value).toBeCloseTo(950.05, 6);
    expect(p99.value).toBeCloseTo(990.01, 6);
    // ±1.96·√(n·q·(1−q)) ranks: ±31 around the median, ±6–7 around p99.
    expect(p50.lower).toBeGreaterThan(465);
    expect(p50.upper).toBeLessThan(535);
    expect(p50.lower).toBeLessThan(p50.value);
    expect(p99.lower).toBeGreaterThanOrEqual(982);
    expect(p99.upper).toBeLessThanOrEqual(998);
    expect(throughput.value).toBe(500);
    expect(throughput.lower).toBeCloseTo((1000 - 1.959964 * Math.sqrt(1000)) / 2, 3);
    expect(errors.value).toBeCloseTo(10 / 1010, 10);
    expect(errors.lower).toBeGreaterThan(0);
    expect(errors.upper).toBeGreaterThan(errors.value);
  });

  it('zero errors still has an upper bound; no response at all has no latency', () => {
    const clean = summarize({ startedAt: new Date(), durationS: 1, latencies: [5, 6, 7], errors: 0 });
    expect(clean.metrics.error_ratio.value).toBe(0);
    expect(clean.metrics.error_ratio.upper).toBeGreaterThan(0.3);
    const broken = summarize({ startedAt: new Date(), durationS: 1, latencies: [], errors: 50 });
    expect(broken.metrics.latency_p95.value).toBeNaN();
    expect(broken.metrics.error_ratio.value).toBe(1);
    expect(broken.metrics.throughput.value).toBe(0);
  });
});
