// Converts what an OpenTelemetry JS MetricReader collects into iora's batch model. Used by the preload
// agent (embedded mode) and by the pipeline's own self-telemetry, so both enter the pipeline the same way.

import type { Attributes as OtelAttributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics as SdkResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { AttributeValue, Attributes, Metric, MetricBatch, Temporality } from './model.js';

function hrTimeToMs(t: HrTime): number {
  return t[0] * 1e3 + t[1] / 1e6;
}

/** OTel attribute values may be arrays; Prometheus labels cannot, so arrays are joined. */
function toAttributes(attrs: OtelAttributes): Attributes {
  const out: Record<string, AttributeValue> = {};
  for (const key of Object.keys(attrs)) {
    const v = attrs[key];
    if (v === undefined || v === null) continue;
    out[key] = Array.isArray(v) ? v.join(',') : (v as AttributeValue);
  }
  return out;
}

function temporalityOf(t: AggregationTemporality): Temporality {
  return t === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
}

/** The fields every point carries, whatever its kind. */
function pointBase(p: { attributes: OtelAttributes; startTime: HrTime; endTime: HrTime }) {
  return { attributes: toAttributes(p.attributes), startTimeMs: hrTimeToMs(p.startTime), timeMs: hrTimeToMs(p.endTime) };
}

/** Count, sum and extremes, shared by explicit-bucket and exponential histogram points. */
function histogramTotals(v: { count: number; sum?: number; min?: number; max?: number }) {
  return { count: v.count, sum: v.sum ?? 0, min: v.min, max: v.max };
}

function convertMetric(m: MetricData): Metric {
  const base = { name: m.descriptor.name, description: m.descriptor.description, unit: m.descriptor.unit };
  switch (m.dataPointType) {
    case DataPointType.GAUGE:
      return {
        ...base,
        kind: 'gauge',
        points: m.dataPoints.map((p) => ({ ...pointBase(p), value: p.value })),
      };
    case DataPointType.SUM:
      return {
        ...base,
        kind: 'sum',
        temporality: temporalityOf(m.aggregationTemporality),
        monotonic: m.isMonotonic,
        points: m.dataPoints.map((p) => ({ ...pointBase(p), value: p.value })),
      };
    case DataPointType.HISTOGRAM:
      return {
        ...base,
        kind: 'histogram',
        temporality: temporalityOf(m.aggregationTemporality),
        points: m.dataPoints.map((p) => ({
          ...pointBase(p),
          ...histogramTotals(p.value),
          bounds: p.value.buckets.boundaries.slice(),
          bucketCounts: p.value.buckets.counts.slice(),
        })),
      };
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return {
        ...base,
        kind: 'exponential_histogram',
        temporality: temporalityOf(m.aggregationTemporality),
        points: m.dataPoints.map((p) => ({
          ...pointBase(p),
          ...histogramTotals(p.value),
          scale: p.value.scale,
          zeroCount: p.value.zeroCount,
          positive: { offset: p.value.positive.offset, bucketCounts: p.value.positive.bucketCounts.slice() },
          negative: { offset: p.value.negative.offset, bucketCounts: p.value.negative.bucketCounts.slice() },
        })),
      };
  }
}

/** One SDK collection (one resource) as a batch. Metrics without points are dropped. */
export function sdkToBatch(rm: SdkResourceMetrics): MetricBatch {
  return {
    resourceMetrics: [
      {
        resource: toAttributes(rm.resource.attributes),
        scopes: rm.scopeMetrics.map((sm) => ({
          scope: { name: sm.scope.name, ...(sm.scope.version ? { version: sm.scope.version } : {}) },
          metrics: sm.metrics.filter((m) => m.dataPoints.length > 0).map(convertMetric),
        })),
      },
    ],
  };
}
