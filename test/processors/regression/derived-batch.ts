// Batches as the baseline processor leaves them: a source histogram series and its derived gauges
// (iora_window_*, iora_error_ratio, iora_baseline_*), from a compact description. The regression
// tests and the false-alarm simulation feed the regression processor with these.

import type { Attributes, Metric, MetricBatch, ResourceMetrics } from '../../../src/pipeline/model.js';
import { prometheusMetricName, sanitizeLabelName } from '../../../src/pipeline/prometheus-names.js';

export interface SeriesInput {
  resource?: Attributes;
  source: { name: string; unit?: string; attributes?: Attributes };
  window?: Record<string, number>;
  baseline?: Record<string, number>;
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
