// The official OpenTelemetry JS OTLP exporters (protobuf and JSON) as clients of the receiver: what a real
// MeterProvider recorded must arrive as the same batch the in-process conversion (sdkToBatch) makes of it.

import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric, MetricBatch, NumberPoint, ResourceMetrics } from '../../../src/pipeline/model.js';
import { sdkToBatch } from '../../../src/pipeline/sdk-to-batch.js';
import { type Harness, startReceiver } from './harness.js';

/** A second reader on the same provider: what the SDK itself holds, for comparison. */
class InspectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type Protocol = 'protobuf' | 'json';
type Temporality = 'cumulative' | 'delta';

function makeExporter(protocol: Protocol, url: string, temporality: Temporality): PushMetricExporter {
  const temporalityPreference =
    temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE;
  return protocol === 'protobuf' ? new ProtoExporter({ url, temporalityPreference }) : new JsonExporter({ url, temporalityPreference });
}

interface Recorder {
  provider: MeterProvider;
  exporting: PeriodicExportingMetricReader;
  inspecting: InspectingReader;
  record(scale: number): void;
}

function makeRecorder(exporter: PushMetricExporter, serviceName: string): Recorder {
  const exporting = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const inspecting = new InspectingReader({ aggregationTemporalitySelector: (t) => exporter.selectAggregationTemporality?.(t) ?? 1 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.instance.id': `${serviceName}-1` }),
    readers: [exporting, inspecting],
    views: [
      { instrumentName: 'http.server.request.duration', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [0.1, 0.5, 1] } } },
      { instrumentName: 'db.client.operation.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('iora-test', '1.2.3');
  const requests = meter.createCounter('http.server.requests', { description: 'requests served' });
  const depth = meter.createUpDownCounter('queue.depth', { valueType: 1 /* INT */ });
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  const dbDuration = meter.createHistogram('db.client.operation.duration', { unit: 's' });
  meter.createObservableGauge('room.temperature', { unit: 'Cel' }).addCallback((r) => r.observe(21.5, { room: 'lab' }));
  return {
    provider,
    exporting,
    inspecting,
    record(scale: number): void {
      requests.add(3 * scale, { 'http.route': '/a', ok: true });
      requests.add(4 * scale, { 'http.route': '/a', ok: true });
      requests.add(1 * scale, { 'http.route': '/b', ok: false });
      depth.add(5 * scale);
      depth.add(-2 * scale);
      for (const v of [0.05, 0.3, 0.3, 2]) duration.record(v * scale, { 'http.request.method': 'GET' });
      for (const v of [0.001, 0.002, 0.004, 1.5]) dbDuration.record(v * scale, { 'db.system': 'postgresql' });
    },
  };
}

/** The receiver and the SDK give times at different moments; everything else must be identical. */
function withoutTimes(batch: MetricBatch): unknown {
  return batch.resourceMetrics.map((rm) => ({
    resource: rm.resource,
    scopes: rm.scopes.map((s) => ({
      scope: s.scope,
      metrics: s.metrics
        .map((m) => ({ ...m, points: m.points.map(({ startTimeMs: _s, timeMs: _t, ...rest }) => rest) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    })),
  }));
}

function metricNamed(rm: ResourceMetrics | undefined, name: string): Metric {
  const metric = rm?.scopes.flatMap((s) => s.metrics).find((m) => m.name === name);
  expect(metric, name).toBeDefined();
  return metric as Metric;
}

let harness: Harness;
beforeAll(async () => {
  harness = await startReceiver();
});
afterAll(() => harness.close());

describe.each<[Protocol, Temporality]>([
  ['protobuf', 'cumulative'],
  ['protobuf', 'delta'],
  ['json', 'cumulative'],
  ['json', 'delta'],
])('official %s exporter, %s temporality', (protocol, temporality) => {
  it('delivers exactly what the MeterProvider recorded, twice in a row', async () => {
    const serviceName = `svc-${protocol}-${temporality}`;
    const recorder = makeRecorder(makeExporter(protocol, harness.url, temporality), serviceName);
    const received = (): MetricBatch[] =>
      harness.consumer.batches.filter((b) => b.resourceMetrics[0]?.resource['service.name'] === serviceName);
    const before = Date.now();
    try {
      for (const round of [1, 2]) {
        recorder.record(round);
        const { resourceMetrics: expected } = await recorder.inspecting.collect();
        await recorder.exporting.forceFlush();
        expect(received()).toHaveLength(round);
        const batch = received()[round - 1] as MetricBatch;
        expect(withoutTimes(batch)).toEqual(withoutTimes(sdkToBatch(expected)));

        const rm = batch.resourceMetrics[0];
        expect(rm?.resource).toMatchObject({ 'service.name': serviceName, 'service.instance.id': `${serviceName}-1` });
        expect(rm?.scopes[0]?.scope).toEqual({ name: 'iora-test', version: '1.2.3' });
        const requests = metricNamed(rm, 'http.server.requests');
        expect(requests).toMatchObject({ kind: 'sum', temporality, monotonic: true, description: 'requests served' });
        // Cumulative: the second round holds both rounds (7 + 14); delta: only the second round.
        const perRound = temporality === 'cumulative' ? (round === 1 ? 1 : 3) : round;
        expect(requests.points.find((p) => p.attributes['http.route'] === '/a')).toMatchObject({
          attributes: { 'http.route': '/a', ok: true },
          value: 7 * perRound,
        });
        // Up-down counters stay cumulative even when the exporter prefers delta (the SDK's default selector).
        expect(metricNamed(rm, 'queue.depth')).toMatchObject({
          kind: 'sum',
          temporality: 'cumulative',
          monotonic: false,
          points: [{ value: round === 1 ? 3 : 9 }],
        });
        expect(metricNamed(rm, 'room.temperature')).toMatchObject({ kind: 'gauge', unit: 'Cel', points: [{ value: 21.5, attributes: { room: 'lab' } }] });
        const duration = metricNamed(rm, 'http.server.request.duration');
        expect(duration).toMatchObject({ kind: 'histogram', temporality, unit: 's' });
        const hp = duration.points[0];
        expect(hp && 'bounds' in hp ? [hp.bounds, hp.count] : undefined).toEqual([[0.1, 0.5, 1], 4 * (temporality === 'cumulative' ? round : 1)]);
        const db = metricNamed(rm, 'db.client.operation.duration');
        expect(db.kind).toBe('exponential_histogram');
        const ep = db.points[0];
        expect(ep && 'scale' in ep ? ep.positive.bucketCounts.reduce((a, b) => a + b, 0) : -1).toBe(ep && 'count' in ep ? ep.count : -2);

        for (const m of rm?.scopes.flatMap((s) => s.metrics) ?? []) {
          for (const p of m.points) {
            expect(p.timeMs).toBeGreaterThanOrEqual(before - 1);
            expect(p.timeMs).toBeLessThanOrEqual(Date.now() + 1);
          }
        }
        if (temporality === 'delta' && round === 2) {
          // Delta intervals chain: this interval starts where the previous one ended.
          const previous = metricNamed(received()[0]?.resourceMetrics[0], 'http.server.requests').points[0];
          expect(requests.points[0]?.startTimeMs).toBeCloseTo(previous?.timeMs as number, 3);
        }
      }
    } finally {
      await recorder.provider.shutdown();
    }
  });
});

it('a restarted process (cumulative reset) reaches downstream with a new start time', async () => {
  const first = makeRecorder(makeExporter('protobuf', harness.url, 'cumulative'), 'restarting');
  first.record(10);
  await first.exporting.forceFlush();
  await first.provider.shutdown();
  const second = makeRecorder(makeExporter('protobuf', harness.url, 'cumulative'), 'restarting');
  second.record(1);
  await second.exporting.forceFlush();
  await second.provider.shutdown();

  // Each provider also exports once more on shutdown: compare the first process's first export with the
  // second process's last.
  const points = harness.consumer.batches
    .filter((x) => x.resourceMetrics[0]?.resource['service.name'] === 'restarting')
    .map((x) => metricNamed(x.resourceMetrics[0], 'http.server.requests').points[0] as NumberPoint);
  const [a, b] = [points[0], points.at(-1)];
  expect(a?.value).toBe(70);
  expect(b?.value).toBe(7);
  expect(b?.startTimeMs).toBeGreaterThan(a?.startTimeMs as number);
});

it('a 503 from a failing pipeline makes the official exporter retry after Retry-After, and the data arrives', async () => {
  let attempts = 0;
  harness.consumer.behaviour = async () => {
    attempts++;
    if (attempts === 1) throw new Error('pipeline busy');
  };
  const recorder = makeRecorder(makeExporter('protobuf', harness.url, 'cumulative'), 'retrying');
  try {
    recorder.record(1);
    await recorder.exporting.forceFlush();
    expect(attempts).toBe(2);
    const delivered = harness.consumer.batches.filter((b) => b.resourceMetrics[0]?.resource['service.name'] === 'retrying');
    expect(delivered).toHaveLength(1);
  } finally {
    harness.consumer.behaviour = async () => undefined;
    await recorder.provider.shutdown();
  }
});
