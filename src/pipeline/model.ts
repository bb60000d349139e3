// The data that flows through a pipeline: OTLP's metric model, reduced to what iora uses.
// Receivers (in-process agent, OTLP) produce it, processors read and extend it, exporters write it.
// Times are milliseconds since the epoch (OTLP's nanoseconds are divided on the way in).

export type AttributeValue = string | number | boolean;
export type Attributes = Readonly<Record<string, AttributeValue>>;

export type Temporality = 'cumulative' | 'delta';

interface PointBase {
  attributes: Attributes;
  /** Start of the aggregation interval; a new start time on a cumulative series means a reset. */
  startTimeMs: number;
  timeMs: number;
}

export interface NumberPoint extends PointBase {
  value: number;
}

/** Explicit-bucket histogram: bucketCounts.length === bounds.length + 1 (last bucket is +Inf). */
export interface HistogramPoint extends PointBase {
  count: number;
  sum: number;
  min?: number;
  max?: number;
  bounds: number[];
  bucketCounts: number[];
}

/** One side of an exponential histogram: bucket i covers (base^(offset+i), base^(offset+i+1)]. */
export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/** OTel exponential histogram, base = 2^(2^-scale). */
export interface ExponentialHistogramPoint extends PointBase {
  count: number;
  sum: number;
  min?: number;
  max?: number;
  scale: number;
  zeroCount: number;
  zeroThreshold?: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
}

interface MetricBase {
  /** OTel name (`http.server.request.duration`) or, for derived series, the Prometheus name (`iora_window_quantile`). */
  name: string;
  description: string;
  /** UCUM unit as OTel writes it (`s`, `By`, `1`); empty for derived series. */
  unit: string;
}

export interface GaugeMetric extends MetricBase {
  kind: 'gauge';
  points: NumberPoint[];
}

export interface SumMetric extends MetricBase {
  kind: 'sum';
  temporality: Temporality;
  monotonic: boolean;
  points: NumberPoint[];
}

export interface HistogramMetric extends MetricBase {
  kind: 'histogram';
  temporality: Temporality;
  points: HistogramPoint[];
}

export interface ExponentialHistogramMetric extends MetricBase {
  kind: 'exponential_histogram';
  temporality: Temporality;
  points: ExponentialHistogramPoint[];
}

export type Metric = GaugeMetric | SumMetric | HistogramMetric | ExponentialHistogramMetric;

export interface InstrumentationScope {
  name: string;
  version?: string;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
}

export interface ResourceMetrics {
  /** Resource attributes: `service.name`, `service.namespace`, `service.instance.id`, host.*, process.* … */
  resource: Attributes;
  scopes: ScopeMetrics[];
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/**
 * A finding in words, beside the metric series that carry it in numbers (principle: findings are
 * metrics). Validate puts its human-readable reasons here; regression, leak and validate findings
 * are what the alert processor turns into alerts.
 */
export interface Finding {
  /** e.g. 'regression', 'target_breach', 'resource_limit', 'memory_growth', 'validation'. */
  kind: string;
  resource: Attributes;
  /** Identifying labels of the series the finding is about (Prometheus label names). */
  labels: Readonly<Record<string, string>>;
  severity?: Severity;
  message: string;
  /** The numbers behind the message: current, baseline, degradation, target, window_seconds … */
  values?: Readonly<Record<string, number>>;
  timeMs: number;
  /**
   * The condition an earlier finding with the same kind, resource and labels reported has ended (the
   * series recovered): the alert processor resolves the alert at once instead of waiting for findings
   * to stop arriving.
   */
  resolved?: boolean;
}

/** An alert in Alertmanager's terms; `labels` identify it (alertname, severity, service, series labels). */
export interface Alert {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  status: 'firing' | 'resolved';
  startsAtMs: number;
  /** Set when resolved. */
  endsAtMs?: number;
  generatorURL?: string;
}

export interface MetricBatch {
  resourceMetrics: ResourceMetrics[];
  findings?: Finding[];
  /** Alerts whose state changed or that must be re-sent in this batch (written by the alert processor). */
  alerts?: Alert[];
}

export function emptyBatch(): MetricBatch {
  return { resourceMetrics: [] };
}

/** Number of data points in a batch, for self-telemetry. */
export function countPoints(batch: MetricBatch): number {
  let n = 0;
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopes) {
      for (const m of sm.metrics) n += m.points.length;
    }
  }
  return n;
}
