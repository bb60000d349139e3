// What the Prometheus exporter serves: every series it has seen, as cumulative values. Delta inputs are
// added up; cumulative inputs are turned into increments (a new start time, or a value going down, is a
// reset of the producer: its whole value is new), so exported counters and histograms stay monotonic
// across producer restarts. Series not updated within `staleness` are forgotten; the number of series is
// capped by a SeriesLimiter.

import type { Attributes, ExponentialHistogramMetric, HistogramMetric, Metric, ResourceMetrics } from '../../../pipeline/model.js';
import { prometheusMetricName, sanitizeLabelName } from '../../../pipeline/prometheus-names.js';
import { SeriesLimiter, type SeriesLimits } from '../../../pipeline/series-limiter.js';
import { classicBoundsFor, toClassicCounts } from './exponential-to-classic.js';
import { escapeHelp, escapeLabelValue, formatValue } from './text-format.js';

type FamilyType = 'gauge' | 'counter' | 'histogram';

interface NumberSeries {
  labels: string;
  lastSeenMs: number;
  value: number;
  /** Start time and value of the last cumulative input, to turn the next one into an increment. */
  inputStartMs: number;
  inputValue: number;
}

interface HistogramSeries {
  labels: string;
  lastSeenMs: number;
  bounds: readonly number[];
  counts: number[];
  sum: number;
  inputStartMs: number;
  inputCounts: number[];
  inputCount: number;
  inputSum: number;
}

interface Family {
  name: string;
  type: FamilyType;
  help: string;
  series: Map<string, NumberSeries | HistogramSeries>;
  /** Series in output order (sorted by labels); rebuilt when a series is added or removed. */
  order: (NumberSeries | HistogramSeries)[] | undefined;
}

/** Identifying resource attributes become job/instance; the rest go to target_info. */
const RESOURCE_IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

export type DropReason = 'max_series' | 'max_series_per_metric' | 'type_conflict' | 'invalid_point';

export class SeriesStore {
  private readonly families = new Map<string, Family>();
  private familyOrder: string[] | undefined;
  private readonly labelNames = new Map<string, string>();
  private readonly limiter: SeriesLimiter;

  constructor(
    limits: SeriesLimits,
    private readonly onDrop: (reason: DropReason, metric: string, points: number) => void,
  ) {
    this.limiter = new SeriesLimiter(limits, { dropped: (metric, reason) => onDrop(reason, metric, 1) });
  }

  /** Adds one resource's metrics, seen at `nowMs`. */
  add(rm: ResourceMetrics, nowMs: number): void {
    const identity = resourceLabels(rm.resource);
    this.recordTargetInfo(rm.resource, identity, nowMs);
    for (const scope of rm.scopes) {
      for (const metric of scope.metrics) this.addMetric(metric, identity, nowMs);
    }
  }

  /** Forgets series last updated before `cutoffMs`. */
  expire(cutoffMs: number): void {
    for (const [name, family] of this.families) {
      for (const [key, series] of family.series) {
        if (series.lastSeenMs < cutoffMs) {
          family.series.delete(key);
          family.order = undefined;
          this.limiter.release(name);
        }
      }
      if (family.series.size === 0) {
        this.families.delete(name);
        this.familyOrder = undefined;
      }
    }
  }

  get seriesCount(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.series.size;
    return n;
  }

  render(): string {
    this.familyOrder ??= [...this.families.keys()].sort();
    let out = '';
    for (const name of this.familyOrder) {
      const family = this.families.get(name) as Family;
      family.order ??= [...family.series.keys()].sort().map((key) => family.series.get(key) as NumberSeries | HistogramSeries);
      out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${exposedType(family, name)}\n`;
      for (const series of family.order) out += 'counts' in series ? renderHistogram(name, series) : renderNumber(name, series);
    }
    return out;
  }

  private recordTargetInfo(resource: Attributes, identity: string, nowMs: number): void {
    const info: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(resource)) if (!RESOURCE_IDENTITY.has(k)) info[k] = v;
    const series = this.numberSeries('target_info', 'gauge', 'Target metadata', this.labels(identity, info));
    if (!series) return;
    series.value = 1;
    series.lastSeenMs = nowMs;
  }

  private addMetric(metric: Metric, identity: string, nowMs: number): void {
    const name = prometheusMetricName(metric);
    const help = metric.description || metric.name;
    switch (metric.kind) {
      case 'gauge':
        for (const p of metric.points) {
          const s = this.numberSeries(name, 'gauge', help, this.labels(identity, p.attributes));
          if (!s) continue;
          s.value = p.value;
          s.lastSeenMs = nowMs;
        }
        return;
      case 'sum': {
        const type = metric.monotonic ? 'counter' : 'gauge';
        for (const p of metric.points) {
          // A counter that went NaN or took a negative delta would be wrong forever after.
          if (!Number.isFinite(p.value) || (metric.monotonic && metric.temporality === 'delta' && p.value < 0)) {
            this.onDrop('invalid_point', name, 1);
            continue;
          }
          const s = this.numberSeries(name, type, help, this.labels(identity, p.attributes));
          if (!s) continue;
          if (metric.temporality === 'delta') {
            s.value += p.value;
          } else if (!metric.monotonic) {
            s.value = p.value;
          } else {
            const continued = s.inputStartMs === p.startTimeMs && p.value >= s.inputValue;
            s.value += continued ? p.value - s.inputValue : p.value;
            s.inputStartMs = p.startTimeMs;
            s.inputValue = p.value;
          }
          s.lastSeenMs = nowMs;
        }
        return;
      }
      case 'histogram':
      case 'exponential_histogram':
        this.addHistogram(metric, name, help, identity, nowMs);
        return;
    }
  }

  private addHistogram(metric: HistogramMetric | ExponentialHistogramMetric, name: string, help: string, identity: string, nowMs: number): void {
    const expBounds = metric.kind === 'exponential_histogram' ? classicBoundsFor(metric.unit) : undefined;
    for (const p of metric.points) {
      const bounds = expBounds ?? ('bounds' in p ? p.bounds : []);
      const counts = 'bounds' in p ? p.bucketCounts : toClassicCounts(p, bounds);
      if (counts.length !== bounds.length + 1) {
        this.onDrop('invalid_point', name, 1);
        continue;
      }
      const s = this.histogramSeries(name, help, this.labels(identity, p.attributes), bounds);
      if (!s) continue;
      if (metric.temporality === 'delta') {
        addInto(s.counts, counts);
        s.sum += p.sum;
      } else {
        let total = 0;
        for (const c of counts) total += c;
        if (s.inputStartMs === p.startTimeMs && total >= s.inputCount) {
          addIncrease(s.counts, counts, s.inputCounts);
          s.sum += p.sum - s.inputSum;
        } else {
          addInto(s.counts, counts);
          s.sum += p.sum;
        }
        s.inputStartMs = p.startTimeMs;
        s.inputCounts = counts.slice();
        s.inputCount = total;
        s.inputSum = p.sum;
      }
      s.lastSeenMs = nowMs;
    }
  }

  private family(name: string, type: FamilyType, help: string): Family | undefined {
    let family = this.families.get(name);
    if (!family) {
      family = { name, type, help, series: new Map(), order: undefined };
      this.families.set(name, family);
      this.familyOrder = undefined;
    } else if (family.type !== type) {
      this.onDrop('type_conflict', name, 1);
      return undefined;
    }
    return family;
  }

  /** The series, created if the caps allow; undefined (and counted) when dropped. */
  private numberSeries(name: string, type: 'gauge' | 'counter', help: string, labels: string): NumberSeries | undefined {
    const family = this.family(name, type, help);
    if (!family) return undefined;
    const found = family.series.get(labels) as NumberSeries | undefined;
    if (found) return found;
    if (!this.limiter.admit(family.name)) return undefined;
    const created: NumberSeries = { labels, lastSeenMs: 0, value: 0, inputStartMs: NaN, inputValue: 0 };
    family.series.set(labels, created);
    family.order = undefined;
    return created;
  }

  private histogramSeries(name: string, help: string, labels: string, bounds: readonly number[]): HistogramSeries | undefined {
    const family = this.family(name, 'histogram', help);
    if (!family) return undefined;
    const found = family.series.get(labels) as HistogramSeries | undefined;
    // Changed bounds cannot be merged into the old buckets: start the series over.
    if (found && sameBounds(found.bounds, bounds)) return found;
    if (!found && !this.limiter.admit(family.name)) return undefined;
    const created: HistogramSeries = {
      labels,
      lastSeenMs: 0,
      bounds: bounds.slice(),
      counts: new Array<number>(bounds.length + 1).fill(0),
      sum: 0,
      inputStartMs: NaN,
      inputCounts: new Array<number>(bounds.length + 1).fill(0),
      inputCount: 0,
      inputSum: 0,
    };
    family.series.set(labels, created);
    family.order = undefined;
    return created;
  }

  /** `job="…",instance="…",attr="…"`: identity first, then attributes by sanitized name. Hot path: one array, no maps. */
  private labels(identity: string, attributes: Attributes): string {
    const keys = Object.keys(attributes);
    if (keys.length === 0) return identity;
    const pairs = keys.map((key) => {
      let name = this.labelName(key);
      if (name === 'job' || name === 'instance') name = `exported_${name}`;
      return [name, key] as const;
    });
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    let out = identity;
    for (let i = 0; i < pairs.length; i++) {
      const [name, key] = pairs[i] as readonly [string, string];
      let value = String(attributes[key]);
      // Keys that sanitize to the same label name (`a.b`, `a_b`) are joined with `;`, as the OTel spec says.
      while (i + 1 < pairs.length && (pairs[i + 1] as readonly [string, string])[0] === name) {
        i++;
        value += `;${String(attributes[(pairs[i] as readonly [string, string])[1]])}`;
      }
      out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
    }
    return out;
  }

  private labelName(key: string): string {
    let name = this.labelNames.get(key);
    if (name === undefined) {
      name = sanitizeLabelName(key);
      // Attribute keys are few in practice; the cap only guards against a pathological producer.
      if (this.labelNames.size < 10_000) this.labelNames.set(key, name);
    }
    return name;
  }
}

/** `job` = `service.namespace/service.name` (or service.name), `instance` = `service.instance.id`. */
function resourceLabels(resource: Attributes): string {
  const name = resource['service.name'];
  const namespace = resource['service.namespace'];
  const instance = resource['service.instance.id'];
  const parts: string[] = [];
  if (name !== undefined) {
    const job = namespace === undefined ? String(name) : `${String(namespace)}/${String(name)}`;
    parts.push(`job="${escapeLabelValue(job)}"`);
  }
  if (instance !== undefined) parts.push(`instance="${escapeLabelValue(String(instance))}"`);
  return parts.join(',');
}

/** Suffixes Prometheus reserves for histogram and summary parts. */
const RESERVED_SUFFIX = /_(count|sum|bucket)$/;

/**
 * Gauges whose every series has a `quantile` label (iora_window_quantile, iora_baseline_quantile …) are
 * quantiles of a distribution: typed `summary`, as Prometheus expects of `quantile` (promtool flags it on
 * any other type). Prometheus stores summary quantiles as plain series, so queries do not change.
 * Gauges and non-monotonic sums whose contract name ends in a reserved suffix (`db_client_connection_count`,
 * `iora_window_count`) are typed `untyped`: a gauge or counter of that name reads as part of a histogram
 * (promtool flags it), an untyped family does not, and queries treat untyped like gauge.
 */
function exposedType(family: Family, name: string): string {
  if (family.type === 'gauge' && RESERVED_SUFFIX.test(name)) return 'untyped';
  if (family.type !== 'gauge') return family.type;
  for (const s of family.series.values()) if (!/(^|,)quantile="/.test(s.labels)) return 'gauge';
  return 'summary';
}

function addInto(target: number[], add: readonly number[]): void {
  for (let i = 0; i < add.length; i++) target[i] = (target[i] ?? 0) + (add[i] as number);
}

/**
 * Adds the increase from `before` to `now` (cumulative bucket counts of one producer). A bucket can lose
 * counts without a reset when an exponential histogram is downscaled (a value's bucket widens and may move
 * to the next classic bucket); the loss is carried into the buckets above instead of being subtracted, so
 * every exported `le` series stays monotonic and the total stays exact.
 */
function addIncrease(target: number[], now: readonly number[], before: readonly number[]): void {
  let carry = 0;
  for (let i = 0; i < now.length; i++) {
    const d = (now[i] as number) - (before[i] ?? 0) + carry;
    if (d >= 0) {
      target[i] = (target[i] ?? 0) + d;
      carry = 0;
    } else {
      carry = d;
    }
  }
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function renderNumber(name: string, s: NumberSeries): string {
  return s.labels === '' ? `${name} ${formatValue(s.value)}\n` : `${name}{${s.labels}} ${formatValue(s.value)}\n`;
}

function renderHistogram(name: string, s: HistogramSeries): string {
  const prefix = s.labels === '' ? '' : `${s.labels},`;
  let out = '';
  let cumulative = 0;
  for (let i = 0; i < s.counts.length; i++) {
    cumulative += s.counts[i] as number;
    const le = i < s.bounds.length ? formatValue(s.bounds[i] as number) : '+Inf';
    out += `${name}_bucket{${prefix}le="${le}"} ${cumulative}\n`;
  }
  const braces = s.labels === '' ? '' : `{${s.labels}}`;
  return `${out}${name}_sum${braces} ${formatValue(s.sum)}\n${name}_count${braces} ${cumulative}\n`;
}
