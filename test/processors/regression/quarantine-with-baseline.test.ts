// "A slowdown keeps its severity instead of fading as the baseline learns it": the real chain
// baseline → regression → alert on latencies recorded by the real OpenTelemetry SDK (exponential
// histograms, delta), one batch per simulated minute. After the baseline has learned an hour of
// normal traffic, latency rises 30% and stays there. With the host's quarantine the regression holds
// the series out of learning and stays critical; with a quarantine that holds nothing (the control)
// the baseline absorbs the slow windows and the same slowdown fades. Once `accept_after` has passed,
// the new level is learned as normal and the regression resolves.

import { createNoopMeter } from '@opentelemetry/api';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Quarantine } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { sdkToBatch } from '../../../src/pipeline/sdk-to-batch.js';
import { alertFactory } from '../../../src/processors/alert/factory.js';
import { baselineFactory } from '../../../src/processors/baseline/factory.js';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { mergeConfig } from '../step-harness.js';
import { prng } from './false-alarm-simulation.js';

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-05T08:00:00Z');
const LEARN_MINUTES = 70;

interface Minute {
  minute: number;
  severity?: number;
  degradation?: number;
  alerts: NonNullable<MetricBatch['alerts']>;
}

async function run(quarantine: Quarantine, acceptAfter: string, slowMinutes: number): Promise<Minute[]> {
  let nowMs = T0;
  const settings = (type: string) => ({ id: type, type, logger: pino({ level: 'silent' }), clock: { now: () => nowMs }, meter: createNoopMeter(), host: { quarantine } });
  const minutes: Minute[] = [];
  const output: { last?: MetricBatch } = {};
  const alert = alertFactory.create(settings('alert'), mergeConfig(alertFactory.createDefaultConfig(), { cooldown: '0s' }), { consume: async (b) => void (output.last = b) });
  const regression = regressionFactory.create(
    settings('regression'),
    mergeConfig(regressionFactory.createDefaultConfig(), { for: '2m', accept_after: acceptAfter, min_samples: 200, signals: { error_ratio: false } }),
    alert,
  );
  const baseline = baselineFactory.create(
    settings('baseline'),
    mergeConfig(baselineFactory.createDefaultConfig(), { window: '1m', period: '2h', bucket: '10m', min_samples: 2000, min_coverage: 0.5 }),
    regression,
  );
  for (const c of [alert, regression, baseline]) await c.start();

  const reader = new PullReader();
  const provider = new MeterProvider({ views: [{ instrumentName: '*', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }], readers: [reader] });
  const histogram = provider.getMeter('test').createHistogram('http.server.request.duration', { unit: 's' });
  const random = prng(11);
  try {
    for (let minute = 1; minute <= LEARN_MINUTES + slowMinutes; minute++) {
      const factor = minute > LEARN_MINUTES ? 1.3 : 1;
      for (let i = 0; i < 600; i++) {
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        histogram.record(0.1 * factor * Math.exp(0.4 * z), { 'http.route': '/orders', 'http.request.method': 'GET' });
      }
      const { resourceMetrics } = await reader.collect();
      nowMs = T0 + minute * MINUTE;
      // Recorded by the SDK now; stamped with the simulated minute they stand for.
      const batch = sdkToBatch(resourceMetrics);
      for (const rm of batch.resourceMetrics) {
        rm.resource = { 'service.name': 'shop' };
        for (const sm of rm.scopes) for (const m of sm.metrics) for (const p of m.points) Object.assign(p, { startTimeMs: nowMs - MINUTE, timeMs: nowMs });
      }
      output.last = undefined;
      await baseline.consume(batch);
      const last = output.last as MetricBatch | undefined;
      minutes.push({
        minute,
        severity: last && pointValue(last, 'iora_regression_severity'),
        degradation: last && pointValue(last, 'iora_regression_degradation_ratio'),
        alerts: last?.alerts ?? [],
      });
    }
  } finally {
    await provider.shutdown();
    for (const c of [baseline, regression, alert]) await c.shutdown();
  }
  return minutes;
}

function pointValue(batch: MetricBatch, name: string): number | undefined {
  for (const rm of batch.resourceMetrics) for (const sm of rm.scopes) for (const m of sm.metrics) if (m.name === name && m.kind === 'gauge') return m.points[0]?.value;
  return undefined;
}

const slowPhase = (minutes: Minute[]) => minutes.filter((m) => m.minute > LEARN_MINUTES);
/** Minutes at which an alert first fired (not its re-sends). */
const firstFirings = (minutes: Minute[]) =>
  minutes.flatMap((m) => m.alerts.filter((a) => a.status === 'firing' && a.startsAtMs === T0 + m.minute * MINUTE).map(() => m.minute));
const meanDegradation = (minutes: Minute[]) => minutes.reduce((sum, m) => sum + (m.degradation ?? 0), 0) / minutes.length;

describe('quarantine keeps a regression from fading into the baseline', () => {
  it('held: high or critical from the first slow windows to the end; not held: the baseline learns it and it fades', async () => {
    const held = await run(new BoundedQuarantine(), '24h', 60);
    const control = await run({ hold: () => undefined, release: () => undefined, isHeld: () => false }, '24h', 60);

    const learned = held.filter((m) => m.minute <= LEARN_MINUTES && m.severity !== undefined);
    expect(learned.length, 'the baseline became ready while learning').toBeGreaterThan(0);
    expect(learned.filter((m) => m.severity! >= 2), 'no regression while traffic is normal').toEqual([]);

    expect(firstFirings(held)[0], 'fires `for` (2m) after the slowdown began').toBe(LEARN_MINUTES + 3);
    expect(slowPhase(held).filter((m) => m.severity! < 3), 'held: never below high').toEqual([]);

    const lastTwenty = (minutes: Minute[]) => slowPhase(minutes).slice(-20);
    const heldEnd = meanDegradation(lastTwenty(held));
    const controlEnd = meanDegradation(lastTwenty(control));
    expect(heldEnd).toBeGreaterThan(0.25);
    expect(controlEnd, 'control: the slow windows were learned and the degradation shrank').toBeLessThan(heldEnd * 0.7);
    expect(lastTwenty(control).some((m) => m.severity! < 2), 'control: at times not a regression at all any more').toBe(true);
  });

  it('after accept_after the new level is learned as normal and the regression resolves', async () => {
    // Two hours of the new level: the 2h baseline period turns over to it.
    const minutes = await run(new BoundedQuarantine(), '20m', 120);
    expect(firstFirings(minutes)[0]).toBe(LEARN_MINUTES + 3);
    // Resolved alerts beside a new firing are escalations (high → critical); the rest are recoveries.
    const recovered = minutes.filter((m) => m.alerts.some((a) => a.status === 'resolved') && !m.alerts.some((a) => a.status === 'firing' && a.startsAtMs === T0 + m.minute * MINUTE));
    expect(recovered.length, 'resolved once the baseline took the new level in').toBeGreaterThan(0);
    expect(recovered[0]!.minute, 'not before accept_after').toBeGreaterThan(LEARN_MINUTES + 20);
    expect(minutes.at(-1)!.severity, 'the new level is normal now').toBeLessThan(2);
  });
});
