// Reads the baseline processor's derived series out of a batch and lines them up per source series:
// for each series, the window's quantiles, count and rate, the error ratio, and the baseline's
// quantiles with their bounds. The regression processor compares these; it recomputes nothing.

import type { Attributes, MetricBatch, ResourceMetrics } from '../../../pipeline/model.js';
import { prometheusMetricName, sanitizeLabelName } from '../../../pipeline/prometheus-names.js';
import { resourceKey, seriesKey } from '../../../pipeline/series-key.js';

/** Labels the baseline processor adds to qualify a point (which quantile, seasonal baseline, sketch error), not part of the series' identity. */
const QUALIFIER_LABELS = new Set(['quantile', 'seasonal', 'error']);

export interface DerivedSeries {
  resource: Attributes;
  /** Identifying labels: the source's sanitized attributes plus `metric`. */
  labels: Record<string, string>;
  timeMs: number;
  windowQuantiles: Map<number, number>;
  windowCount?: number;
  windowRate?: number;
  errorRatio?: number;
  baselineQuantiles: Map<number, number>;
  baselineLower: Map<number, number>;
  baselineUpper: Map<number, number>;
  baselineReady?: boolean;
}

type Slot = (s: DerivedSeries, value: number, quantile: number | undefined) => void;

function setQuantile(field: 'windowQuantiles' | 'baselineQuantiles' | 'baselineLower' | 'baselineUpper'): Slot {
  return (s, value, q) => {
    if (q !== undefined) s[field].set(q, value);
  };
}

const SLOTS: Readonly<Record<string, Slot>> = {
  iora_window_quantile: setQuantile('windowQuantiles'),
  iora_baseline_quantile: setQuantile('baselineQuantiles'),
  iora_baseline_lower: setQuantile('baselineLower'),
  iora_baseline_upper: setQuantile('baselineUpper'),
  iora_window_count: (s, v) => (s.windowCount = v),
  iora_window_rate: (s, v) => (s.windowRate = v),
  iora_error_ratio: (s, v) => (s.errorRatio = v),
  iora_baseline_ready: (s, v) => (s.baselineReady = v >= 1),
};

function identityLabels(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!QUALIFIER_LABELS.has(k)) out[k] = String(v);
  return out;
}

/** Stable key of a derived series: resource identity + identifying labels. */
export function derivedKey(resource: Attributes, labels: Readonly<Record<string, string>>): string {
  let out = resourceKey(resource);
  for (const k of Object.keys(labels).sort()) out += `\u0002${k}=${labels[k]}`;
  return out;
}

/** Every source series with derived points in the batch, keyed by derivedKey(). */
export function indexDerivedSeries(batch: MetricBatch): Map<string, DerivedSeries> {
  const index = new Map<string, DerivedSeries>();
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopes) {
      for (const metric of sm.metrics) {
        const slot = SLOTS[metric.name];
        if (slot === undefined || metric.kind !== 'gauge') continue;
        for (const point of metric.points) {
          if (typeof point.attributes.metric !== 'string' || !Number.isFinite(point.value)) continue;
          const labels = identityLabels(point.attributes);
          const key = derivedKey(rm.resource, labels);
          let series = index.get(key);
          if (series === undefined) {
            series = {
              resource: rm.resource, labels, timeMs: point.timeMs,
              windowQuantiles: new Map(), baselineQuantiles: new Map(), baselineLower: new Map(), baselineUpper: new Map(),
            };
            index.set(key, series);
          }
          series.timeMs = Math.max(series.timeMs, point.timeMs);
          const q = point.attributes.quantile;
          slot(series, point.value, q === undefined ? undefined : Number(q));
        }
      }
    }
  }
  return index;
}

/**
 * Maps derivedKey() of a source series to its seriesKey() (raw OTel name and attributes), the key
 * the baseline processor learns under and the quarantine is held under.
 */
export function indexSourceSeries(batch: MetricBatch): Map<string, string> {
  const out = new Map<string, string>();
  for (const rm of batch.resourceMetrics) addSources(rm, out);
  return out;
}

function addSources(rm: ResourceMetrics, out: Map<string, string>): void {
  for (const sm of rm.scopes) {
    for (const metric of sm.metrics) {
      if (metric.kind !== 'histogram' && metric.kind !== 'exponential_histogram') continue;
      const promName = prometheusMetricName(metric);
      for (const point of metric.points) {
        const labels: Record<string, string> = { metric: promName };
        for (const [k, v] of Object.entries(point.attributes)) labels[sanitizeLabelName(k)] = String(v);
        out.set(derivedKey(rm.resource, labels), seriesKey(rm.resource, metric.name, point.attributes));
      }
    }
  }
}

/** Attributes that split one route's requests by outcome; a traffic group is the route without them. */
const OUTCOME_LABELS = new Set(['http_response_status_code', 'error_type']);

/** Request-duration metrics (HTTP server/client): the series whose counts are requests. */
const REQUEST_METRIC = /_request_duration_seconds$/;

/** One route's requests over the window, all outcomes together. */
export interface TrafficGroup {
  resource: Attributes;
  labels: Record<string, string>;
  timeMs: number;
  requests: number;
  /** Requests per second; with `requests`, gives the window's length. */
  rate: number;
  /** Published by the baseline processor when the window had requests. */
  errorRatio?: number;
}

/** Sums the request-duration series of the batch per traffic group (resource + labels without outcome). */
export function indexTrafficGroups(index: ReadonlyMap<string, DerivedSeries>): Map<string, TrafficGroup> {
  const groups = new Map<string, TrafficGroup>();
  for (const s of index.values()) {
    if (!REQUEST_METRIC.test(s.labels.metric ?? '')) continue;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels)) if (!OUTCOME_LABELS.has(k)) labels[k] = v;
    const key = derivedKey(s.resource, labels);
    let group = groups.get(key);
    if (group === undefined) {
      group = { resource: s.resource, labels, timeMs: s.timeMs, requests: 0, rate: 0 };
      groups.set(key, group);
    }
    group.timeMs = Math.max(group.timeMs, s.timeMs);
    group.requests += s.windowCount ?? 0;
    group.rate += s.windowRate ?? 0;
    if (s.errorRatio !== undefined) group.errorRatio = s.errorRatio;
  }
  return groups;
}
