import { Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { agentDelta, combineAgentDeltas, snapshotFromText } from '../../src/bench/agent-metrics.js';
import { parsePrometheusText } from '../../src/bench/prometheus-text.js';

describe('prometheus text', () => {
  it('reads names, escaped labels and special values; skips comments and junk', () => {
    const samples = parsePrometheusText(
      ['# HELP x y', '# TYPE x counter', 'x_total{a="1",b="q\\"u\\\\o\\nte"} 3 1700000000', 'y +Inf', 'z{} NaN', 'not a sample', 'w{bad} 1', ''].join('\n'),
    );
    expect(samples).toHaveLength(3);
    expect(samples[0]).toEqual({ name: 'x_total', labels: { a: '1', b: 'q"u\\o\nte' }, value: 3 });
    expect(samples[1]).toEqual({ name: 'y', labels: {}, value: Infinity });
    expect(samples[2]!.value).toBeNaN();
  });
});

describe('agent metrics', () => {
  it('differences of real prom-client output: DB time per operation, memory growth, CPU', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'app', instance: 'i1' });
    const db = new Histogram({ name: 'db_client_operation_duration_seconds', help: 'h', labelNames: ['db_operation_name'], registers: [registry] });
    const rss = new Gauge({ name: 'process_memory_usage_bytes', help: 'h', registers: [registry] });
    const cpu = new Gauge({ name: 'process_cpu_utilization_ratio', help: 'h', registers: [registry] });
    db.observe({ db_operation_name: 'SELECT' }, 0.01);
    rss.set(100_000_000);
    cpu.set(0.1);
    const before = snapshotFromText(await registry.metrics());
    for (let i = 0; i < 4; i++) db.observe({ db_operation_name: 'SELECT' }, 0.002);
    db.observe({ db_operation_name: 'INSERT' }, 0.02);
    rss.set(110_000_000);
    cpu.set(0.6);
    const delta = agentDelta(before, snapshotFromText(await registry.metrics()));
    expect(delta.db).toEqual([
      { operation: 'db_operation_name=SELECT', count: 4, meanMs: expect.closeTo(2, 6) },
      { operation: 'db_operation_name=INSERT', count: 1, meanMs: expect.closeTo(20, 6) },
    ]);
    expect(delta).toMatchObject({ cpuUtilization: 0.6, rssBytes: 110_000_000, rssDeltaBytes: 10_000_000 });
    expect(delta.heapUsedDeltaBytes).toBeUndefined();

    const combined = combineAgentDeltas([delta, { db: [{ operation: 'db_operation_name=SELECT', count: 4, meanMs: 4 }], cpuUtilization: 0.4, rssDeltaBytes: -2 }]);
    expect(combined?.db[0]).toEqual({ operation: 'db_operation_name=SELECT', count: 8, meanMs: expect.closeTo(3, 6) });
    expect(combined).toMatchObject({ cpuUtilization: 0.5, rssDeltaBytes: 9_999_998 });
    expect(combineAgentDeltas([])).toBeUndefined();
  });
});
