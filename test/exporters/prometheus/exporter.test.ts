import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ComponentSettings } from '../../../src/pipeline/component.js';
import type { ExponentialHistogramPoint, Metric, MetricBatch, ResourceMetrics } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { createDefaultConfig, type PrometheusExporterConfig } from '../../../src/exporters/prometheus/config.js';
import type { PrometheusExporter } from '../../../src/exporters/prometheus/exporter.js';
import { prometheusExporterFactory } from '../../../src/exporters/prometheus/factory.js';
import { classicBoundsFor, toClassicCounts } from '../../../src/exporters/prometheus/internal/exponential-to-classic.js';

const clock = { ms: 1_000_000, now() { return this.ms; } };
const open: PrometheusExporter[] = [];

function exporter(overrides: Partial<PrometheusExporterConfig> = {}, logLines: unknown[] = []): PrometheusExporter {
  const settings: ComponentSettings = {
    id: 'prometheus',
    type: 'prometheus',
    logger: pino({ level: 'info' }, { write: (l: string) => logLines.push(JSON.parse(l)) }),
    clock,
    meter: metrics.getMeter('test'),
    host: { quarantine: new BoundedQuarantine() },
  };
  const e = prometheusExporterFactory.create(settings, { ...createDefaultConfig(), endpoint: '127.0.0.1:0', ...overrides }, { consume: async () => {} });
  open.push(e);
  return e;
}

afterEach(async () => {
  for (const e of open.splice(0)) await e.shutdown();
});

const SHOP: ResourceMetrics['resource'] = {
  'service.namespace': 'acme',
  'service.name': 'shop',
  'service.instance.id': 'i-1',
  'host.name': 'box "one"',
};

function batch(resource: ResourceMetrics['resource'], metricsList: Metric[]): MetricBatch {
  return { resourceMetrics: [{ resource, scopes: [{ scope: { name: 't' }, metrics: metricsList }] }] };
}

/** 3 values at scale 0 (base 2), in buckets (0.25,0.5], (2,4], (4,8]. */
const expPoint: ExponentialHistogramPoint = {
  attributes: { 'http.route': '/a' },
  startTimeMs: 0,
  timeMs: 1,
  count: 3,
  sum: 4.8,
  scale: 0,
  zeroCount: 0,
  positive: { offset: -2, bucketCounts: [1, 0, 0, 1, 1] },
  negative: { offset: 0, bucketCounts: [] },
};

function sample(counterValue: number, counterStart: number): Metric[] {
  return [
    { kind: 'gauge', name: 'process.cpu.utilization', description: 'CPU', unit: '1', points: [{ attributes: {}, startTimeMs: 0, timeMs: 1, value: 0.25 }] },
    {
      kind: 'sum',
      name: 'iora.records.processed',
      description: 'Records\nprocessed \\ total',
      unit: '{record}',
      temporality: 'cumulative',
      monotonic: true,
      points: [{ attributes: { 'a.b': 'x', a_b: 'y', note: 'say "hi"\n' }, startTimeMs: counterStart, timeMs: 1, value: counterValue }],
    },
    { kind: 'sum', name: 'iora.cache.requests', description: 'Cache lookups', unit: '{request}', temporality: 'delta', monotonic: true, points: [{ attributes: { 'iora.cache.result': 'hit' }, startTimeMs: 0, timeMs: 1, value: 2 }] },
    { kind: 'sum', name: 'db.client.connection.count', description: 'Connections', unit: '{connection}', temporality: 'cumulative', monotonic: false, points: [{ attributes: { state: 'idle' }, startTimeMs: 0, timeMs: 1, value: 4 }] },
    {
      kind: 'histogram',
      name: 'db.client.operation.duration',
      description: 'DB time',
      unit: 's',
      temporality: 'delta',
      points: [{ attributes: {}, startTimeMs: 0, timeMs: 1, count: 2, sum: 0.3, bounds: [0.1, 1], bucketCounts: [1, 1, 0] }],
    },
    { kind: 'exponential_histogram', name: 'http.server.request.duration', description: 'HTTP time', unit: 's', temporality: 'cumulative', points: [expPoint] },
    {
      kind: 'gauge',
      name: 'iora_window_quantile',
      description: 'Quantile of the source over the current evaluation window',
      unit: '',
      points: [{ attributes: { 'http.route': '/a', metric: 'http_server_request_duration_seconds', quantile: '0.95' }, startTimeMs: 0, timeMs: 1, value: 1.9 }],
    },
  ];
}

async function scrape(e: PrometheusExporter): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${e.port}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.text();
}

describe('prometheus exporter', () => {
  it('writes every kind of series, cumulative, labelled job/instance, with target_info (snapshot)', async () => {
    const e = exporter();
    await e.start();
    await e.consume(batch(SHOP, sample(10, 100)));
    // Second report: counter continued (+5), delta sum adds up, delta histogram adds up.
    await e.consume(batch(SHOP, sample(15, 100)));
    await e.consume(batch({ 'service.name': 'billing' }, [sample(1, 0)[0] as Metric]));
    const text = await scrape(e);
    await expect(text).toMatchFileSnapshot('testdata/exposition.txt');
  });

  // Contract names with a reserved suffix (db_client_connection_count) are typed untyped, so promtool has no finding.
  it('passes promtool check metrics', async () => {
    const e = exporter();
    await e.start();
    await e.consume(batch(SHOP, sample(10, 100)));
    await e.consume(batch({ 'service.name': 'billing' }, sample(3, 0)));
    const text = await scrape(e);
    expect(text).toContain('# TYPE db_client_connection_count untyped');
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps counters monotonic across a producer restart (new start time)', async () => {
    const e = exporter();
    await e.consume(batch(SHOP, sample(10, 100)));
    await e.consume(batch(SHOP, sample(3, 200)));
    expect(e.render()).toMatch(/^iora_records_processed_total\{job="acme\/shop",instance="i-1",.*\} 13$/m);
  });

  it('turns cumulative histograms into increments, a new start time being a reset', async () => {
    const e = exporter();
    const hist = (startTimeMs: number, bucketCounts: number[], sum: number): Metric => ({
      kind: 'histogram',
      name: 'h',
      description: 'h',
      unit: 's',
      temporality: 'cumulative',
      points: [{ attributes: {}, startTimeMs, timeMs: 1, count: bucketCounts.reduce((a, b) => a + b, 0), sum, bounds: [1], bucketCounts }],
    });
    await e.consume(batch({ 'service.name': 's' }, [hist(0, [2, 1], 4)]));
    await e.consume(batch({ 'service.name': 's' }, [hist(0, [3, 1], 4.5)])); // +1 in le=1
    await e.consume(batch({ 'service.name': 's' }, [hist(50, [1, 0], 0.5)])); // restarted producer: all new
    expect(e.render()).toContain(
      'h_seconds_bucket{job="s",le="1"} 4\nh_seconds_bucket{job="s",le="+Inf"} 5\nh_seconds_sum{job="s"} 5\nh_seconds_count{job="s"} 5\n',
    );
  });

  it('keeps buckets monotonic when a cumulative exponential histogram is downscaled', async () => {
    const e = exporter();
    const exp = (point: Partial<ExponentialHistogramPoint>): Metric => ({
      kind: 'exponential_histogram',
      name: 'x',
      description: 'x',
      unit: 's',
      temporality: 'cumulative',
      points: [{ ...expPoint, attributes: {}, ...point }],
    });
    // 0.6 s at scale 1 lies in (0.5, 0.71] → le 0.75; at scale 0 its bucket (0.5, 1] goes to le 1.
    await e.consume(batch({ 'service.name': 's' }, [exp({ scale: 1, count: 1, sum: 0.6, positive: { offset: -2, bucketCounts: [1] } })]));
    // Same start: downscaled to 0, and a new 3 s value in (2, 4].
    await e.consume(batch({ 'service.name': 's' }, [exp({ scale: 0, count: 2, sum: 3.6, positive: { offset: -1, bucketCounts: [1, 0, 1] } })]));
    const text = e.render();
    expect(text).toContain('x_seconds_bucket{job="s",le="0.75"} 1\n');
    expect(text).toContain('x_seconds_bucket{job="s",le="1"} 1\n');
    expect(text).toContain('x_seconds_bucket{job="s",le="5"} 2\n');
    expect(text).toContain('x_seconds_count{job="s"} 2\n');
  });

  it('drops counter points that are not numbers or go backwards as deltas', async () => {
    const e = exporter();
    const counter = (value: number): Metric => ({
      kind: 'sum',
      name: 'c',
      description: 'c',
      unit: '',
      temporality: 'delta',
      monotonic: true,
      points: [{ attributes: {}, startTimeMs: 0, timeMs: 1, value }],
    });
    for (const v of [2, Number.NaN, -1, 3]) await e.consume(batch({ 'service.name': 's' }, [counter(v)]));
    expect(e.render()).toContain('c_total{job="s"} 5\n');
  });

  it('drops a histogram point whose bucket counts do not match its bounds, keeping the rest', async () => {
    const lines: { reason?: string }[] = [];
    const e = exporter({}, lines);
    const bad: Metric = {
      kind: 'histogram',
      name: 'bad',
      description: 'bad',
      unit: 's',
      temporality: 'delta',
      points: [{ attributes: {}, startTimeMs: 0, timeMs: 1, count: 1, sum: 1, bounds: [1, 2], bucketCounts: [1] }],
    };
    await e.consume(batch({ 'service.name': 's' }, [bad, sample(1, 0)[0] as Metric]));
    const text = e.render();
    expect(text).not.toContain('bad_seconds');
    expect(text).toContain('process_cpu_utilization_ratio{job="s"} 0.25');
    expect(lines.filter((l) => l.reason === 'invalid_point')).toHaveLength(1);
  });

  it('caps the total number of series', async () => {
    const e = exporter({ max_series: 3 });
    const points = [1, 2, 3, 4].map((i) => ({ attributes: { i }, startTimeMs: 0, timeMs: 1, value: i }));
    await e.consume(batch({ 'service.name': 's' }, [{ kind: 'gauge', name: 'g', description: 'g', unit: '', points }]));
    // target_info is one of the three
    expect(e.render().match(/^g\{/gm)).toHaveLength(2);
  });

  it('forgets series not updated within staleness', async () => {
    const e = exporter({ staleness: '1m' });
    await e.consume(batch(SHOP, sample(1, 0)));
    clock.ms += 30_000;
    await e.consume(batch({ 'service.name': 'billing' }, [sample(1, 0)[0] as Metric]));
    clock.ms += 31_000;
    const text = e.render();
    expect(text).not.toContain('acme/shop');
    expect(text).toContain('process_cpu_utilization_ratio{job="billing"} 0.25');
  });

  it('caps series per metric, counting and logging the drop once', async () => {
    const lines: { msg?: string }[] = [];
    const e = exporter({ max_series_per_metric: 2 }, lines);
    const points = [1, 2, 3, 4].map((i) => ({ attributes: { i }, startTimeMs: 0, timeMs: 1, value: i }));
    await e.consume(batch({ 'service.name': 's' }, [{ kind: 'gauge', name: 'g', description: 'g', unit: '', points }]));
    await e.consume(batch({ 'service.name': 's' }, [{ kind: 'gauge', name: 'g', description: 'g', unit: '', points }]));
    expect(e.render().match(/^g\{/gm)).toHaveLength(2);
    expect(lines.filter((l) => l.msg?.startsWith('dropping series'))).toHaveLength(1);
  });

  it('fails to start with a message naming the endpoint when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(exporter({ endpoint: `127.0.0.1:${port}` }).start()).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('exponential → classic buckets', () => {
  it('has the spec targets among the seconds bounds, scaled for milliseconds', () => {
    for (const target of [0.05, 0.2, 0.5, 1, 2, 5, 10]) expect(classicBoundsFor('s')).toContain(target);
    expect(classicBoundsFor('ms')).toContain(200);
  });

  it('puts each bucket where its upper edge fits, zero and negatives first', () => {
    // (0.25,0.5] → le 0.5; (2,4] → le 5; (4,8] → +Inf; 2 zeros and 1 negative → le 0.5
    const counts = toClassicCounts({ ...expPoint, zeroCount: 2, negative: { offset: 0, bucketCounts: [1] } }, [0.5, 2, 5]);
    expect(counts).toEqual([4, 0, 1, 1]);
  });
});
