// pipelines/iora.yaml against the I.O.R.A. performance benchmark specification. The spec lives outside
// the repository, so its numbers are copied here as the reference, section by section; every one must be
// the profile's default, every one must be overridable, and the profile must load and run.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/pipeline/component.js';
import { loadConfig, type ServiceConfig } from '../../src/pipeline/config.js';
import { parseDuration } from '../../src/pipeline/duration.js';
import type { MetricBatch } from '../../src/pipeline/model.js';
import { Service } from '../../src/pipeline/service.js';

const PROFILE = fileURLToPath(new URL('../../pipelines/iora.yaml', import.meta.url));
const ms = (d: string): number => parseDuration(d)!;

/** The spec's numbers, in its own units (durations in ms, MB, GB, percent, ratios). */
const SPEC = {
  // "1. Response Time Benchmarks" → API_PERFORMANCE_BASELINES
  api: {
    simple_query_p95: 500, complex_analysis_p95: 2000, bulk_operation_p95: 5000,
    simple_query_p99: 1000, complex_analysis_p99: 5000, bulk_operation_p99: 10_000,
    acceptable_error_rate: 0.001,
  },
  // "Database Operations" → DATABASE_PERFORMANCE_BASELINES (bulk_insert_p95: "< 1s per 1000 records")
  database: {
    simple_select_p95: 50, complex_join_p95: 200, bulk_insert_p95: 1000, bulk_insert_per_records: 1000, connection_acquisition_p95: 10,
    max_connections: 20, cache_hit_ratio: 0.85, cache_miss_p95: 100,
  },
  // "2. Throughput Benchmarks" → THROUGHPUT_BASELINES
  throughput: {
    api_rps_sustained: 50, api_rps_peak: 200, records_per_second: 1000, analysis_operations_per_minute: 100,
    transactions_per_second: 10, block_processing_time: 30_000,
  },
  // "Memory and Resource Usage" → RESOURCE_BASELINES (cpu_cores_utilized sizes the deployment; not a check)
  resources: {
    resident_memory_mb: 256, virtual_memory_mb: 512, memory_growth_rate_mb_per_hour: 10,
    average_cpu_percent: 70, peak_cpu_percent: 90, read_iops: 1000, write_iops: 500, disk_usage_gb: 10,
  },
  // "2. Benchmark Validation": safety_margins default `unwrap_or(&1.1)`
  safety_margin: 1.1,
  // "Performance Monitoring Implementation": degradation_threshold 0.10; calculate_severity 0.10 / 0.15 / 0.25
  regression: { medium: 0.1, high: 0.15, critical: 0.25 },
  // "Performance Alert System": clean old alerts, keep 1000
  alert_history: 1000,
  // "Memory Leak Prevention": growth_rate > 1.0 (1 MB per minute)
  memory_alarm_mb_per_minute: 1,
} as const;

function load(env: NodeJS.ProcessEnv = {}): ServiceConfig {
  const result = loadConfig(PROFILE, env);
  expect(result.errors).toEqual([]);
  return result.config!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function processor(config: ServiceConfig, id: string): any {
  return config.processors.get(id)!.config;
}

describe('pipelines/iora.yaml', () => {
  it('has every number of the spec as its default', () => {
    const config = load();
    const v = processor(config, 'validate');
    const t = v.targets;
    expect({
      simple_query_p95: ms(t.simple_query.p95), complex_analysis_p95: ms(t.complex_analysis.p95), bulk_operation_p95: ms(t.bulk_operation.p95),
      simple_query_p99: ms(t.simple_query.p99), complex_analysis_p99: ms(t.complex_analysis.p99), bulk_operation_p99: ms(t.bulk_operation.p99),
      acceptable_error_rate: v.error_rate,
    }).toEqual(SPEC.api);
    expect({
      simple_select_p95: ms(t.simple_select.p95), complex_join_p95: ms(t.complex_join.p95), bulk_insert_p95: ms(t.bulk_insert.p95),
      bulk_insert_per_records: t.bulk_insert.per_records,
      connection_acquisition_p95: ms(t.connection_acquisition.p95), max_connections: v.resources.max_connections,
      cache_hit_ratio: v.cache.hit_ratio, cache_miss_p95: ms(t.cache.p95),
    }).toEqual(SPEC.database);
    expect({ ...v.throughput, block_processing_time: ms(t.block_processing.p95) }).toEqual(SPEC.throughput);
    const leak = processor(config, 'leak');
    expect({
      resident_memory_mb: v.resources.resident_memory_mb, virtual_memory_mb: v.resources.virtual_memory_mb,
      memory_growth_rate_mb_per_hour: leak.budget_mb_per_hour, average_cpu_percent: v.resources.average_cpu_percent,
      peak_cpu_percent: v.resources.peak_cpu_percent, read_iops: v.resources.read_iops, write_iops: v.resources.write_iops,
      disk_usage_gb: v.resources.disk_usage_gb,
    }).toEqual(SPEC.resources);
    expect(v.safety_margin).toBe(SPEC.safety_margin);
    expect(processor(config, 'regression').thresholds).toEqual(SPEC.regression);
    expect(processor(config, 'alert').history).toBe(SPEC.alert_history);
    expect(leak.alarm_mb_per_minute).toBe(SPEC.memory_alarm_mb_per_minute);
    expect(processor(config, 'baseline').percentiles).toEqual([50, 95, 99]);
    expect(leak.heap_snapshot.enabled).toBe(false);
    expect(config.pipelines).toEqual([
      { name: 'metrics', receivers: ['agent'], processors: ['classify', 'baseline', 'validate', 'regression', 'leak', 'alert'], exporters: ['prometheus'] },
    ]);
  });

  it('lets the environment override each number', () => {
    const config = load({
      IORA_TARGET_SIMPLE_QUERY_P95: '300ms',
      IORA_TARGET_CACHE_MISS_P95: '20ms',
      IORA_SAFETY_MARGIN: '1.2',
      IORA_API_RPS_SUSTAINED: '0',
      IORA_RESIDENT_MEMORY_MB: '1024',
      IORA_REGRESSION_HIGH: '0.2',
      IORA_MEMORY_GROWTH_MB_PER_HOUR: '50',
      IORA_HEAP_SNAPSHOTS: 'true',
      IORA_DATA_DIR: '/var/lib/iora',
    });
    const v = processor(config, 'validate');
    expect([v.targets.simple_query.p95, v.targets.cache.p95, v.safety_margin, v.throughput.api_rps_sustained, v.resources.resident_memory_mb]).toEqual(['300ms', '20ms', 1.2, 0, 1024]);
    expect(processor(config, 'regression').thresholds.high).toBe(0.2);
    expect(processor(config, 'leak').budget_mb_per_hour).toBe(50);
    expect(processor(config, 'leak').heap_snapshot).toMatchObject({ enabled: true, directory: '/var/lib/iora/heap-snapshots' });
    expect(processor(config, 'baseline').store).toBe('/var/lib/iora/iora-state.db');
  });

  it('reports a bad override with its path', () => {
    const result = loadConfig(PROFILE, { IORA_TARGET_SIMPLE_QUERY_P95: 'fast', IORA_SAFETY_MARGIN: '0.5' });
    expect(result.errors.join('\n')).toMatch(/processors::validate::safety_margin must be a number ≥ 1/);
    expect(result.errors.join('\n')).toMatch(/processors::validate::targets::simple_query::p95 "fast" is not a duration/);
  });

  describe('running', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iora-t-validate-profile-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('runs the whole chain: a process over its memory limit shows as a breach on /metrics', async () => {
      const config = load({ IORA_DATA_DIR: dataDir, OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: '19801' });
      let consumer: Consumer | undefined;
      const service = new Service(config, {
        logger: pino({ level: 'silent' }),
        host: { inProcess: { subscribe: (c) => ((consumer = c), () => (consumer = undefined)) } },
      });
      await service.start();
      try {
        const now = Date.now();
        const batch: MetricBatch = {
          resourceMetrics: [
            {
              resource: { 'service.name': 'shop', 'service.instance.id': 'a1' },
              scopes: [
                {
                  scope: { name: 'test' },
                  metrics: [{ kind: 'gauge', name: 'process.memory.usage', description: 'RSS', unit: 'By', points: [{ attributes: {}, startTimeMs: now, timeMs: now, value: 300 * 1024 * 1024 }] }],
                },
              ],
            },
          ],
        };
        expect(consumer).toBeDefined();
        await consumer!.consume(batch);
        const text = await (await fetch('http://127.0.0.1:19801/metrics', { signal: AbortSignal.timeout(5000) })).text();
        expect(text).toMatch(/^iora_target_breach\{[^}]*target="resident_memory_mb"[^}]*\} 1$/m);
        expect(text).toMatch(/^iora_target_threshold\{[^}]*target="resident_memory_mb"[^}]*\} 268435456$/m);
      } finally {
        await service.shutdown();
      }
    });
  });
});
