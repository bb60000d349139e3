// The demo's setting of the quarantine (pipelines/demo.yaml): the real chain classify → baseline →
// regression on cumulative exponential histograms recorded by the real OpenTelemetry SDK, collected once a
// second as the agent does, with 5 s windows judged against a 1 minute baseline. Beside each collection
// another batch enters the chain at the same time (the pipeline's own telemetry, another agent's export
// to a collector): it reaches the baseline while the collection is still on its way to the regression
// processor, so a delta learned at the baseline's next batch was learned before the regression processor
// could hold its stream. A slowdown also takes a collection or two to stand out of a window. The slowdown
// must stay a regression and the baseline must learn none of its slow requests.

import { createNoopMeter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { expect, it } from 'vitest';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { sdkToBatch } from '../../../src/pipeline/sdk-to-batch.js';
import { baselineFactory } from '../../../src/processors/baseline/factory.js';
import { classifyFactory } from '../../../src/processors/classify/factory.js';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { FakeClock, mergeConfig } from '../step-harness.js';
import { prng } from './false-alarm-simulation.js';

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const LEARN_SECONDS = 70;
const SLOW_SECONDS = 40;
const SLOWDOWN_S = 0.5;
const RAMP_SECONDS = 5;

interface Second {
  second: number;
  severity?: number;
  baselineP99?: number;
}

function gauge(batch: MetricBatch, name: string, quantile?: string): number | undefined {
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopes) {
      for (const m of sm.metrics) {
        if (m.name !== name || m.kind !== 'gauge') continue;
        const point = m.points.find((p) => quantile === undefined || p.attributes.quantile === quantile);
        if (point !== undefined) return point.value;
      }
    }
  }
  return undefined;
}

/** One point of another service's histogram, as a concurrent batch. */
function otherService(nowMs: number): MetricBatch {
  const point = { attributes: {}, startTimeMs: nowMs - 1000, timeMs: nowMs, count: 1, sum: 0.01, bounds: [0.1], bucketCounts: [1, 0] };
  return { resourceMetrics: [{ resource: { 'service.name': 'iora-collector' }, scopes: [{ scope: { name: 'iora.pipeline' }, metrics: [{ kind: 'histogram', name: 'iora.pipeline.latency', description: '', unit: 's', temporality: 'delta', points: [point] }] }] }] };
}

it('a slowdown in 5 s windows of 1 s collections stays a regression and is not learned by the 1 minute baseline', async () => {
  const clock = new FakeClock(Date.parse('2026-01-05T10:00:00Z'));
  const quarantine = new BoundedQuarantine();
  const settings = (type: string) => ({ id: type, type, logger: pino({ level: 'silent' }), clock, meter: createNoopMeter(), host: { quarantine } });
  let last: MetricBatch | undefined;
  const regression = regressionFactory.create(
    settings('regression'),
    mergeConfig(regressionFactory.createDefaultConfig(), { thresholds: { medium: 0.1, high: 0.15, critical: 0.25 }, min_samples: 15, for: '10s', accept_after: '1h' }),
    { consume: async (b) => void (b.resourceMetrics.some((rm) => rm.resource['service.name'] === 'iora-demo') && (last = b)) },
  );
  const baseline = baselineFactory.create(
    settings('baseline'),
    mergeConfig(baselineFactory.createDefaultConfig(), { window: '5s', bucket: '5s', period: '1m', percentiles: [50, 95, 99], min_samples: 60, min_coverage: 0.25, store: '' }),
    regression,
  );
  const classify = classifyFactory.create(settings('classify'), mergeConfig(classifyFactory.createDefaultConfig(), { operations: { simple_query: { routes: ['GET /**'] } } }), baseline);
  for (const c of [regression, baseline, classify]) await c.start();

  const reader = new PullReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'iora-demo', 'service.instance.id': 'demo-1' }),
    views: [{ instrumentName: '*', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    readers: [reader],
  });
  const duration = provider.getMeter('test').createHistogram('http.server.request.duration', { unit: 's' });
  const route = { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 };
  const random = prng(5);
  const seconds: Second[] = [];
  try {
    for (let second = 1; second <= LEARN_SECONDS + SLOW_SECONDS; second++) {
      // The slowdown reaches a few more requests each second (requests in flight, new connections) until
      // it reaches all of them after RAMP_SECONDS.
      const slowShare = Math.min(1, Math.max(0, second - LEARN_SECONDS) / RAMP_SECONDS);
      for (let i = 0; i < 10; i++) {
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        duration.record(0.2 * Math.exp(0.3 * z) + (i < slowShare * 10 ? SLOWDOWN_S : 0), route);
      }
      clock.ms += 1000;
      const batch = sdkToBatch((await reader.collect()).resourceMetrics);
      // Recorded by the SDK now; stamped with the simulated second they stand for.
      for (const rm of batch.resourceMetrics) for (const sm of rm.scopes) for (const m of sm.metrics) for (const p of m.points) p.timeMs = clock.ms;
      last = undefined;
      await Promise.all([classify.consume(batch), classify.consume(otherService(clock.ms))]);
      seconds.push({ second, severity: last && gauge(last, 'iora_regression_severity'), baselineP99: last && gauge(last, 'iora_baseline_quantile', '0.99') });
    }
  } finally {
    await provider.shutdown();
    for (const c of [classify, baseline, regression]) await c.shutdown();
  }

  const learned = seconds.filter((s) => s.second <= LEARN_SECONDS);
  expect(learned.at(-1)!.baselineP99, 'a ready baseline before the slowdown').toBeGreaterThan(0);
  expect(learned.filter((s) => (s.severity ?? 0) >= 2), 'no regression while traffic is normal').toEqual([]);
  // The p99 of a minute moves with even six slow samples of ~600: no higher than it was while learning.
  const normalP99 = Math.max(...learned.slice(-20).map((s) => s.baselineP99!));

  const slow = seconds.filter((s) => s.second > LEARN_SECONDS);
  const trace = slow.map((s) => `${s.second}: severity ${s.severity} baseline p99 ${s.baselineP99?.toFixed(3)}`).join('\n');
  const found = slow.findIndex((s) => (s.severity ?? 0) >= 2);
  expect(found, `the slowdown is found within a window:\n${trace}`).toBeGreaterThanOrEqual(0);
  expect(found).toBeLessThan(5);
  expect(slow.slice(found).filter((s) => (s.severity ?? 0) < 2), `held from then on:\n${trace}`).toEqual([]);
  expect(slow.filter((s) => s.baselineP99! > normalP99), `the baseline learned none of the slow requests:\n${trace}`).toEqual([]);
});
