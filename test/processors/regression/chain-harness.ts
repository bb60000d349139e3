// Golden step tests for the regression → alert chain. A case folder holds `config.yaml`
// (`regression:` and `alert:` sections, merged over the defaults) and numbered step files fed in order
// to ONE chain with a fake clock. Inputs are written as the baseline processor publishes them, in a
// shorthand expanded here:
//
//   at: 2026-01-05T10:01:00Z
//   series:
//     - resource: { service.name: shop }            # optional; default service.name: shop
//       source: { name: http.server.request.duration, unit: s, attributes: { http.route: /a } }
//       window: { p50: 0.1, p95: 0.24, p99: 0.3, count: 1000, rate: 16.7 }
//       baseline: { p95: 0.2, lower: 0.196, upper: 0.204, ready: 1 }
//   out:
//     points: [...]      # every iora_regression_* point, in order (see step-harness flattenPoints)
//     findings: [...]    # regression findings, each compared as a subset (toMatchObject)
//     alerts: [...]      # batch.alerts, each compared as a subset
//     held: [{ http.route: /a }]   # source attributes of the step's series held in the quarantine
//     firing: [...]      # iora_alerts_firing points with a non-zero value

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import type { Consumer } from '../../../src/pipeline/component.js';
import type { Attributes, Metric, MetricBatch, ResourceMetrics } from '../../../src/pipeline/model.js';
import { prometheusMetricName, sanitizeLabelName } from '../../../src/pipeline/prometheus-names.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { seriesKey } from '../../../src/pipeline/series-key.js';
import { alertFactory } from '../../../src/processors/alert/factory.js';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { FakeClock, flattenPoints, mergeConfig, testSettings, toMs } from '../step-harness.js';

export interface SeriesInput {
  resource?: Attributes;
  source: { name: string; unit?: string; attributes?: Attributes };
  window?: Record<string, number>;
  baseline?: Record<string, number>;
}

interface StepFile {
  at: string | number;
  series?: SeriesInput[];
  out?: { points?: unknown[]; findings?: unknown[]; alerts?: unknown[]; held?: Attributes[]; firing?: unknown[] };
}

const QUANTILE_KEYS: Readonly<Record<string, string>> = { p50: '0.5', p95: '0.95', p99: '0.99' };

function gauge(name: string, points: { attributes: Attributes; value: number }[], timeMs: number): Metric {
  return { kind: 'gauge', name, description: '', unit: '', points: points.map((p) => ({ ...p, startTimeMs: timeMs, timeMs })) };
}

/** One source series as the baseline processor leaves it in the batch: the source histogram and its derived gauges. */
function expandSeries(s: SeriesInput, timeMs: number): ResourceMetrics {
  const attributes = s.source.attributes ?? {};
  const source: Metric = {
    kind: 'exponential_histogram', name: s.source.name, description: '', unit: s.source.unit ?? 's', temporality: 'delta',
    points: [{ attributes, startTimeMs: timeMs, timeMs, count: 0, sum: 0, scale: 0, zeroCount: 0, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } }],
  };
  const labels: Record<string, string> = { metric: prometheusMetricName(source) };
  for (const [k, v] of Object.entries(attributes)) labels[sanitizeLabelName(k)] = String(v);
  const metrics: Metric[] = [source];
  const quantiles = (values: Record<string, number> | undefined, pick: (k: string) => string | undefined) =>
    Object.entries(values ?? {}).flatMap(([k, value]) => {
      const q = pick(k);
      return q === undefined ? [] : [{ attributes: { ...labels, quantile: q }, value }];
    });
  const w = s.window ?? {};
  const b = s.baseline ?? {};
  metrics.push(gauge('iora_window_quantile', quantiles(w, (k) => QUANTILE_KEYS[k]), timeMs));
  if (w.count !== undefined) metrics.push(gauge('iora_window_count', [{ attributes: labels, value: w.count }], timeMs));
  if (w.rate !== undefined) metrics.push(gauge('iora_window_rate', [{ attributes: labels, value: w.rate }], timeMs));
  if (w.error_ratio !== undefined) metrics.push(gauge('iora_error_ratio', [{ attributes: labels, value: w.error_ratio }], timeMs));
  // Baseline bounds apply to the compared quantile: `lower`/`upper` are for p95 unless `q` says otherwise.
  const q = String(b.q ?? 0.95);
  metrics.push(gauge('iora_baseline_quantile', quantiles(b, (k) => QUANTILE_KEYS[k]), timeMs));
  if (b.lower !== undefined) metrics.push(gauge('iora_baseline_lower', [{ attributes: { ...labels, quantile: q }, value: b.lower }], timeMs));
  if (b.upper !== undefined) metrics.push(gauge('iora_baseline_upper', [{ attributes: { ...labels, quantile: q }, value: b.upper }], timeMs));
  if (b.ready !== undefined) metrics.push(gauge('iora_baseline_ready', [{ attributes: labels, value: b.ready }], timeMs));
  return { resource: s.resource ?? { 'service.name': 'shop' }, scopes: [{ scope: { name: 'test' }, metrics }] };
}

export function batchOf(series: readonly SeriesInput[], timeMs: number): MetricBatch {
  return { resourceMetrics: series.map((s) => expandSeries(s, timeMs)) };
}

export interface Chain {
  clock: FakeClock;
  quarantine: BoundedQuarantine;
  /** Feeds one batch through regression → alert; returns what reached the end. */
  feed(batch: MetricBatch): Promise<MetricBatch>;
  shutdown(): Promise<void>;
}

export async function createChain(config: { regression?: unknown; alert?: unknown }): Promise<Chain> {
  const clock = new FakeClock();
  const quarantine = new BoundedQuarantine();
  const regressionConfig = mergeConfig(regressionFactory.createDefaultConfig(), config.regression);
  const alertConfig = mergeConfig(alertFactory.createDefaultConfig(), config.alert);
  expect(regressionFactory.validate(regressionConfig), 'regression config is valid').toEqual([]);
  expect(alertFactory.validate(alertConfig), 'alert config is valid').toEqual([]);
  let last: MetricBatch | undefined;
  const sink: Consumer = { consume: async (b) => void (last = b) };
  const alert = alertFactory.create(testSettings('alert', clock, { quarantine }), alertConfig, sink);
  const regression = regressionFactory.create(testSettings('regression', clock, { quarantine }), regressionConfig, alert);
  await alert.start();
  await regression.start();
  return {
    clock,
    quarantine,
    async feed(batch) {
      last = undefined;
      await regression.consume(batch);
      expect(last, 'one batch forwarded').toBeDefined();
      return last!;
    },
    async shutdown() {
      await regression.shutdown();
      await alert.shutdown();
    },
  };
}

function firingPoints(batch: MetricBatch): unknown[] {
  return flattenPoints(batch, (n) => n === 'iora_alerts_firing').filter((p) => (p as { value: number }).value !== 0);
}

/** Runs one case folder; returns every step's output batch. */
export async function runChainCase(caseDir: string): Promise<MetricBatch[]> {
  const config = (parse(readFileSync(join(caseDir, 'config.yaml'), 'utf8')) ?? {}) as { regression?: unknown; alert?: unknown };
  const chain = await createChain(config);
  const outputs: MetricBatch[] = [];
  try {
    for (const file of readdirSync(caseDir).filter((f) => /^\d+.*\.yaml$/.test(f)).sort()) {
      const step = parse(readFileSync(join(caseDir, file), 'utf8')) as StepFile;
      chain.clock.ms = toMs(step.at);
      const series = step.series ?? [];
      const output = await chain.feed(batchOf(series, chain.clock.ms));
      outputs.push(output);
      const out = step.out ?? {};
      if (out.points !== undefined) {
        expect(flattenPoints(output, (n) => n.startsWith('iora_regression_')), `${file}: points`).toEqual(roundAll(out.points));
      }
      if (out.findings !== undefined) expect(roundAll(output.findings ?? []), `${file}: findings`).toMatchObject(out.findings);
      if (out.alerts !== undefined) expect(roundAll(output.alerts ?? []), `${file}: alerts`).toMatchObject(out.alerts);
      if (out.firing !== undefined) expect(firingPoints(output), `${file}: iora_alerts_firing`).toEqual(out.firing);
      if (out.held !== undefined) {
        const held = series
          .filter((s) => chain.quarantine.isHeld(seriesKey(s.resource ?? { 'service.name': 'shop' }, s.source.name, s.source.attributes ?? {}), chain.clock.ms))
          .map((s) => s.source.attributes ?? {});
        expect(held, `${file}: held in quarantine`).toEqual(out.held);
      }
    }
  } finally {
    await chain.shutdown();
  }
  return outputs;
}

function roundAll(values: readonly unknown[]): unknown[] {
  return values.map((v) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(6)) : x))) as unknown);
}
