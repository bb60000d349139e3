// Writes the regression verdicts back into the batch: the two derived gauges beside each source's
// resource, and findings in words and numbers for the alert processor.

import type { Attributes, Finding, GaugeMetric, MetricBatch, NumberPoint } from '../../../pipeline/model.js';
import { SEVERITY_NAMES } from './detector.js';
import type { Reading } from './signals.js';

export const SCOPE = { name: 'iora/regression' };

/** Gauge points per resource, in the order verdicts come. */
export class RegressionSeries {
  private readonly byResource = new Map<Attributes, { degradation: NumberPoint[]; severity: NumberPoint[] }>();

  add(resource: Attributes, reading: Reading, level: number, timeMs: number): void {
    let points = this.byResource.get(resource);
    if (points === undefined) {
      points = { degradation: [], severity: [] };
      this.byResource.set(resource, points);
    }
    points.degradation.push({ attributes: reading.labels, startTimeMs: timeMs, timeMs, value: reading.degradation });
    points.severity.push({ attributes: reading.labels, startTimeMs: timeMs, timeMs, value: level });
  }

  /** The batch with a regression scope appended to every resource that got verdicts. */
  appendTo(batch: MetricBatch, findings: Finding[]): MetricBatch {
    const resourceMetrics = batch.resourceMetrics.map((rm) => {
      const points = this.byResource.get(rm.resource);
      if (points === undefined) return rm;
      const metrics: GaugeMetric[] = [
        gauge('iora_regression_degradation_ratio', '(current − baseline) / baseline of the compared window value', points.degradation),
        gauge('iora_regression_severity', 'Regression severity: 0 none, 1 low, 2 medium, 3 high, 4 critical', points.severity),
      ];
      return { ...rm, scopes: [...rm.scopes, { scope: SCOPE, metrics }] };
    });
    if (findings.length === 0) return { ...batch, resourceMetrics };
    return { ...batch, resourceMetrics, findings: [...(batch.findings ?? []), ...findings] };
  }
}

function gauge(name: string, description: string, points: NumberPoint[]): GaugeMetric {
  return { kind: 'gauge', name, description, unit: '', points };
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
}

function describeSeries(labels: Readonly<Record<string, string>>): string {
  const rest = Object.entries(labels)
    .filter(([k]) => k !== 'metric' && k !== 'quantile' && k !== 'signal')
    .map(([k, v]) => `${k}="${v}"`);
  return `${labels.metric ?? 'series'}{${rest.join(',')}}`;
}

export interface FindingContext {
  resource: Attributes;
  reading: Reading;
  level: number;
  resolved: boolean;
  sinceMs: number;
  nowMs: number;
  confidenceLevel: number;
}

const SIGNAL_WORDS: Readonly<Record<Reading['signal'], { what: string; worse: string; window: string; baseline: string }>> = {
  latency: { what: '', worse: 'above', window: '≥', baseline: '≤' },
  error_ratio: { what: 'error ratio of ', worse: 'above', window: '≥', baseline: '≤' },
  throughput: { what: 'request rate (/s) of ', worse: 'below', window: '≤', baseline: '≥' },
};

export function regressionFinding(c: FindingContext): Finding {
  const r = c.reading;
  const words = SIGNAL_WORDS[r.signal];
  const pct = `${(r.degradation * 100).toFixed(1)}%`;
  const what = r.signal === 'latency' ? `p${Math.round(Number(r.labels.quantile) * 100)} of ${describeSeries(r.labels)}` : `${words.what}${describeSeries(r.labels)}`;
  const compare = r.signal === 'throughput' ? '<' : '>';
  const message = c.resolved
    ? `${what} recovered: ${formatNumber(r.current)} vs baseline ${formatNumber(r.baseline)} (${pct})`
    : `${what} is ${formatNumber(r.current)}, ${pct} ${words.worse} its baseline ${formatNumber(r.baseline)} ` +
      `(window ${words.window} ${formatNumber(r.windowBound)} ${compare} baseline ${words.baseline} ${formatNumber(r.baselineBound)} at ` +
      `${Math.round(c.confidenceLevel * 100)}% confidence, ${r.samples} samples, degraded for ${Math.round((c.nowMs - c.sinceMs) / 1000)}s)`;
  const values: Record<string, number> = {
    current: r.current,
    baseline: r.baseline,
    degradation: r.degradation,
    window_bound: r.windowBound,
    baseline_bound: r.baselineBound,
    samples: r.samples,
    confidence_level: c.confidenceLevel,
    degraded_seconds: (c.nowMs - c.sinceMs) / 1000,
  };
  if (r.windowSeconds !== undefined) values.window_seconds = r.windowSeconds;
  const finding: Finding = { kind: 'regression', resource: c.resource, labels: r.labels, message, values, timeMs: c.nowMs };
  const severity = SEVERITY_NAMES[c.level];
  if (c.resolved) return { ...finding, resolved: true };
  return severity === undefined ? finding : { ...finding, severity };
}
