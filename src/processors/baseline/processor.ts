// The `baseline` processor: for every histogram series, what its distribution looks like now (window
// quantiles, count, rate, error ratio) and what it normally looks like (a baseline learned over the
// period from time-bucketed sketches, with rank-based confidence bounds, readiness and seasonality),
// all published as derived gauges beside the source in the batch.
//
// Learning is deferred by a window: a delta is absorbed once it has left the evaluation window, unless the
// regression processor (which runs after this one) has quarantined its stream meanwhile, so a regression
// in progress does not teach the baseline that slow is normal.

import type { ComponentSettings } from '../../pipeline/component.js';
import type {
  Attributes,
  ExponentialHistogramMetric,
  HistogramMetric,
  MetricBatch,
  ResourceMetrics,
} from '../../pipeline/model.js';
import type { ProcessorStep, StepContext } from '../../pipeline/processor-helper.js';
import { prometheusMetricName, sanitizeLabelName } from '../../pipeline/prometheus-names.js';
import { seriesKey } from '../../pipeline/series-key.js';
import { SeriesLimiter } from '../../pipeline/series-limiter.js';
import { StateStore } from '../../store/state-store.js';
import { resolve, type BaselineConfig, type BaselineSettings } from './config.js';
import { DerivedMetrics } from './internal/derived.js';
import { extendLabels } from './internal/labels.js';
import { decodeDist, distCount, encodeDist, fromExplicit, fromExponential, mergeDistInto, quantile, subtractDist, type Dist } from './internal/distribution.js';
import { Learner, setBaseline } from './internal/learner.js';
import { appended, SeriesState, StreamState, type SeriesMeta } from './internal/series-state.js';
import { SerialQueue, TimeSlicer } from './internal/time-slicer.js';

type HistogramLike = HistogramMetric | ExponentialHistogramMetric;

export const SCOPE_NAME = 'iora.baseline';

/** Request-duration metrics get an error ratio; these attributes mark a failed request. */
const REQUEST_DURATION = /\.request\.duration$/;
const STATUS_ATTRIBUTE = 'http.response.status_code';
const ERROR_ATTRIBUTE = 'error.type';

function labelsOf(attributes: Attributes, promName: string, skip?: ReadonlySet<string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!skip?.has(k)) labels[sanitizeLabelName(k)] = String(v);
  labels.metric = promName;
  return labels;
}

const ERROR_GROUP_SKIP: ReadonlySet<string> = new Set([STATUS_ATTRIBUTE, ERROR_ATTRIBUTE]);

/** The service part of a resource: learning is per service, so instances (and restarts) share it. */
function serviceOf(resource: Attributes): Attributes {
  const out: Record<string, Attributes[string]> = {};
  for (const k of SERVICE_IDENTITY_KEYS) if (resource[k] !== undefined) out[k] = resource[k];
  return out;
}

const SERVICE_IDENTITY_KEYS = ['service.namespace', 'service.name'] as const;

function metaOf(service: Attributes, metric: HistogramLike, promName: string, attributes: Attributes): SeriesMeta {
  const meta: SeriesMeta = { resource: service, metric: metric.name, labels: labelsOf(attributes, promName) };
  if (REQUEST_DURATION.test(metric.name)) {
    const status = Number(attributes[STATUS_ATTRIBUTE]);
    meta.errorGroup = {
      labels: labelsOf(attributes, promName, ERROR_GROUP_SKIP),
      failed: attributes[ERROR_ATTRIBUTE] !== undefined || (Number.isFinite(status) && status >= 500),
    };
  }
  return meta;
}

function formatQuantile(q: number): string {
  return String(Number(q.toPrecision(6)));
}

/** Relative error of an explicit-bucket estimate, to two significant digits: the `error` label. */
function formatError(e: number): string {
  return String(Number(e.toPrecision(2)));
}

export class BaselineStep implements ProcessorStep {
  private readonly cfg: BaselineSettings;
  /** Learning per service series, keyed by seriesKey() of the service part of the resource. */
  private readonly series = new Map<string, SeriesState>();
  /** Streams per instance, keyed by the full seriesKey(). */
  private readonly streams = new Map<string, StreamState>();
  private readonly limiter: SeriesLimiter;
  private store: StateStore | undefined;
  private learner: Learner | undefined;
  private readonly withPending = new Set<SeriesState>();
  private readonly withOpen = new Set<SeriesState>();
  private lastSweepBucket = NaN;
  private readonly newSeries: SeriesState[] = [];
  /** Prometheus names by metric, so the series of a metric share one string. */
  private readonly promNames = new Map<string, string>();
  /** Batches run one at a time; each gives the event loop back every few ms (see TimeSlicer). */
  private readonly queue = new SerialQueue();
  private readonly slicer = new TimeSlicer();

  constructor(
    private readonly settings: ComponentSettings,
    config: BaselineConfig,
  ) {
    this.cfg = resolve(config);
    this.limiter = new SeriesLimiter({ maxSeries: this.cfg.maxSeries, maxSeriesPerMetric: this.cfg.maxSeriesPerMetric });
  }

  private get bucketsPerPeriod(): number {
    return this.cfg.periodMs / this.cfg.bucketMs;
  }

  async start(): Promise<void> {
    this.openStore();
  }

  private openStore(): Learner {
    if (this.learner) return this.learner;
    this.store = StateStore.open(this.cfg.store, this.settings.logger, this.settings.clock.now());
    this.learner = new Learner(this.cfg, this.store, this.settings.id, this.settings.logger);
    this.restore(this.store, this.learner);
    return this.learner;
  }

  /** Reloads learned series and their buckets still inside the period. */
  private restore(store: StateStore, learner: Learner): void {
    const nowMs = this.settings.clock.now();
    for (const row of store.listSeries(this.settings.id)) {
      let meta: SeriesMeta;
      try {
        meta = JSON.parse(row.meta) as SeriesMeta;
      } catch {
        continue;
      }
      if (this.series.size >= this.cfg.maxSeries) break;
      this.series.set(row.seriesKey, new SeriesState(row.seriesKey, meta, this.bucketsPerPeriod, this.cfg.bucketMs, nowMs));
    }
    let newest = -Infinity;
    const baselines = new Map<SeriesState, Dist>();
    for (const row of store.listBuckets(this.settings.id, nowMs - this.cfg.periodMs - this.cfg.bucketMs)) {
      const state = this.series.get(row.seriesKey);
      if (state === undefined) continue;
      try {
        const merged = learner.restoreBucket(state, baselines.get(state), row.startMs, decodeDist(row.data));
        if (merged === undefined) baselines.delete(state);
        else baselines.set(state, merged);
      } catch {
        continue; // an undecodable bucket is skipped; the rest of the series still counts
      }
      newest = Math.max(newest, row.startMs);
    }
    for (const [state, baseline] of baselines) setBaseline(state, baseline);
    for (const state of this.series.values()) {
      learner.expire(state, nowMs);
      if (Number.isFinite(newest)) learner.updateSeasonality(state, newest);
    }
    if (this.series.size > 0) {
      this.settings.logger.info({ component: this.settings.id, series: this.series.size, store: store.location }, 'baseline: restored %d series from %s', this.series.size, store.location);
    }
  }

  async shutdown(): Promise<void> {
    await this.queue.run(() => this.shutdownNow());
  }

  private async shutdownNow(): Promise<void> {
    const learner = this.learner;
    if (!learner || !this.store) return;
    const nowMs = this.settings.clock.now();
    // Keep what was learned so far, the current buckets included: a restart must not lose them.
    this.absorbPending(learner, nowMs, true);
    for (const state of this.withOpen) learner.closeDue(state, nowMs, true);
    this.withOpen.clear();
    await learner.flush(nowMs, false);
    this.store.close();
    this.learner = undefined;
  }

  process(batch: MetricBatch, ctx: StepContext): Promise<MetricBatch> {
    return this.queue.run(() => this.processNow(batch, ctx));
  }

  private async processNow(batch: MetricBatch, ctx: StepContext): Promise<MetricBatch> {
    const learner = this.openStore();
    const nowMs = ctx.nowMs;
    this.slicer.begin();
    this.absorbPending(learner, nowMs);
    for (const state of this.withOpen) {
      learner.closeDue(state, nowMs);
      if (state.open.length === 0) this.withOpen.delete(state);
      if (this.slicer.due) await this.slicer.yieldTurn();
    }
    const bucket = learner.bucketStart(nowMs);
    const sweep = bucket !== this.lastSweepBucket;
    if (sweep) {
      this.lastSweepBucket = bucket;
      await this.sweep(learner, nowMs);
    }
    const resourceMetrics: ResourceMetrics[] = [];
    for (const rm of batch.resourceMetrics) resourceMetrics.push(await this.evaluate(rm, learner, nowMs, ctx));
    const out: MetricBatch = { ...batch, resourceMetrics };
    this.persistNewSeries();
    await learner.flush(nowMs, sweep, this.slicer);
    return out;
  }

  /**
   * Learns the deltas that have left the evaluation window (all of them at shutdown), unless their stream
   * is held by then. Until a delta has left the window, every window the regression processor judged
   * held it: a slowdown takes a few of a window's collections to stand out, and a delta learned earlier
   * (or by a batch that ran before the regression processor saw this one) would be learned as normal.
   */
  private absorbPending(learner: Learner, nowMs: number, all = false): void {
    const quarantine = this.settings.host.quarantine;
    const leftWindow = nowMs - this.cfg.windowMs;
    for (const state of this.withPending) {
      // Deltas of several instances interleave: not in time order.
      const leaving = all ? state.pending : state.pending.filter((delta) => delta.timeMs <= leftWindow);
      if (leaving.length === 0) continue;
      state.pending = all ? [] : state.pending.filter((delta) => delta.timeMs > leftWindow);
      for (const delta of leaving) {
        if (!quarantine.isHeld(delta.streamKey, nowMs)) learner.absorb(state, delta.timeMs, decodeDist(delta.bytes), nowMs);
      }
      if (state.open.length > 0) this.withOpen.add(state);
      if (state.pending.length === 0) this.withPending.delete(state);
    }
  }

  /**
   * Once per bucket: expire old buckets everywhere, and forget streams and series silent for a whole
   * period. A stream's last cumulative point must outlive any gap between an agent's exports (60 s by
   * default, often a bucket or more): a stream forgotten in between comes back as a first point spanning
   * the agent's whole lifetime, which counts as history of unknown age, and nothing is learned from it.
   */
  private async sweep(learner: Learner, nowMs: number): Promise<void> {
    for (const [key, stream] of this.streams) {
      if (stream.lastSeenMs <= nowMs - this.cfg.periodMs) {
        this.streams.delete(key);
        this.limiter.release(stream.series.meta.metric);
      }
    }
    for (const [key, state] of this.series) {
      learner.expire(state, nowMs);
      if (state.lastSeenMs <= nowMs - this.cfg.periodMs && state.ring.occupied === 0 && state.open.length === 0) {
        this.series.delete(key);
        this.store?.deleteSeries(this.settings.id, key);
      }
      if (this.slicer.due) await this.slicer.yieldTurn();
    }
  }

  private persistNewSeries(): void {
    if (this.newSeries.length === 0) return;
    this.store?.putSeries(this.settings.id, this.newSeries.map((s) => ({ seriesKey: s.key, meta: JSON.stringify(s.meta) })));
    this.newSeries.length = 0;
  }

  private async evaluate(rm: ResourceMetrics, learner: Learner, nowMs: number, ctx: StepContext): Promise<ResourceMetrics> {
    const derived = new DerivedMetrics(nowMs);
    const errorGroups = new Map<string, { labels: Record<string, string>; failed: number; all: number }>();
    for (const sm of rm.scopes) {
      if (sm.scope.name === SCOPE_NAME) continue;
      for (const metric of sm.metrics) {
        if (metric.kind !== 'histogram' && metric.kind !== 'exponential_histogram') continue;
        for (const point of metric.points) {
          const stream = this.streamFor(rm.resource, metric, point.attributes, nowMs, ctx);
          if (stream === undefined) continue;
          const state = stream.series;
          const dist = metric.kind === 'exponential_histogram' ? fromExponential(point as (typeof metric.points)[number]) : fromExplicit(point as (typeof metric.points)[number]);
          const delta = this.toDelta(stream, metric.temporality, point.startTimeMs, point.timeMs, dist);
          stream.lastSeenMs = nowMs;
          state.lastSeenMs = nowMs;
          if (delta !== undefined && distCount(delta) > 0) {
            const entry = { timeMs: point.timeMs, bytes: encodeDist(delta), streamKey: stream.key };
            stream.window = appended(stream.window, entry);
            state.pending = appended(state.pending, entry);
            this.withPending.add(state);
          }
          const windowCount = this.publishSeries(stream, learner, derived, nowMs);
          const group = state.meta.errorGroup;
          if (group !== undefined) {
            const gk = (state.errorGroupKey ??= JSON.stringify(group.labels));
            const g = errorGroups.get(gk) ?? { labels: group.labels, failed: 0, all: 0 };
            g.all += windowCount;
            if (group.failed) g.failed += windowCount;
            errorGroups.set(gk, g);
          }
          if (this.slicer.due) await this.slicer.yieldTurn();
        }
      }
    }
    for (const g of errorGroups.values()) if (g.all > 0) derived.add('iora_error_ratio', g.labels, g.failed / g.all);
    if (derived.empty) return rm;
    return { ...rm, scopes: [...rm.scopes, { scope: { name: SCOPE_NAME }, metrics: derived.metrics() }] };
  }

  private streamFor(resource: Attributes, metric: HistogramLike, attributes: Attributes, nowMs: number, ctx: StepContext): StreamState | undefined {
    const key = seriesKey(resource, metric.name, attributes);
    const stream = this.streams.get(key);
    if (stream !== undefined) return stream;
    const service = serviceOf(resource);
    const learningKey = seriesKey(service, metric.name, attributes);
    let state = this.series.get(learningKey);
    // Learned series outlive their streams (for a period), so they are capped on their own too.
    if ((state === undefined && this.series.size >= this.cfg.maxSeries) || !this.limiter.admit(metric.name)) {
      ctx.drop(1, 'max_series');
      return undefined;
    }
    if (state === undefined) {
      state = new SeriesState(learningKey, metaOf(service, metric, this.promName(metric), attributes), this.bucketsPerPeriod, this.cfg.bucketMs, nowMs);
      this.series.set(learningKey, state);
      this.newSeries.push(state);
    }
    const created = new StreamState(key, state, nowMs);
    this.streams.set(key, created);
    return created;
  }

  private promName(metric: HistogramLike): string {
    const key = `${metric.name}\u0000${metric.unit}\u0000${metric.kind}`;
    let name = this.promNames.get(key);
    if (name === undefined) {
      // Metrics that went silent leave their names behind: start over rather than grow without bound.
      if (this.promNames.size >= this.cfg.maxSeries) this.promNames.clear();
      name = prometheusMetricName(metric);
      this.promNames.set(key, name);
    }
    return name;
  }

  /**
   * The part of a point not seen before. Cumulative points are differenced against the previous one; a
   * new start time or a lower count is a reset, after which the point itself is the delta. The first
   * cumulative point of a series counts only if it spans at most one bucket (a series the agent began
   * recording moments ago: its samples belong to about now); a longer one holds history of unknown
   * shape (a collector restarted under running agents) and only becomes the reference. Comparing the
   * point's own times keeps this independent of clock offsets between the agent and the pipeline.
   */
  private toDelta(state: StreamState, temporality: 'cumulative' | 'delta', startTimeMs: number, timeMs: number, dist: Dist): Dist | undefined {
    if (temporality === 'delta') return dist;
    const previous = state.cumulative;
    state.cumulative = { startTimeMs, count: distCount(dist), bytes: encodeDist(dist) };
    if (previous === undefined) return timeMs - startTimeMs <= this.cfg.bucketMs ? dist : undefined;
    if (previous.startTimeMs !== startTimeMs || distCount(dist) < previous.count) return dist;
    return subtractDist(dist, decodeDist(previous.bytes)) ?? dist;
  }

  /** Publishes the stream's window and its series' baseline; returns the window's sample count. */
  private publishSeries(stream: StreamState, learner: Learner, derived: DerivedMetrics, nowMs: number): number {
    const state = stream.series;
    const windowStart = nowMs - this.cfg.windowMs;
    const inWindow = stream.window.findIndex((w) => w.timeMs > windowStart);
    if (inWindow !== 0) stream.window = inWindow === -1 ? [] : stream.window.slice(inWindow);
    let window: Dist | undefined;
    for (const w of stream.window) {
      const dist = decodeDist(w.bytes);
      window = window === undefined ? dist : (mergeDistInto(window, dist) ?? dist);
    }
    const labels = state.meta.labels;
    const count = window === undefined ? 0 : distCount(window);
    derived.add('iora_window_count', labels, count);
    derived.add('iora_window_rate', labels, count / (this.cfg.windowMs / 1000));
    if (window !== undefined && count > 0) {
      for (const q of this.cfg.quantiles) {
        const est = quantile(window, q);
        derived.add('iora_window_quantile', this.qualified(state, q, est.bucketError), est.value);
      }
    }
    const view = learner.view(state, nowMs);
    if (view !== undefined) {
      const extra: Record<string, string> = view.season === undefined ? {} : { seasonal: view.season };
      this.cfg.quantiles.forEach((q, i) => {
        const qualified = this.qualified(state, q, view.bucketErrors?.[i]);
        const ql = view.season === undefined ? qualified : extendLabels(qualified, extra);
        derived.add('iora_baseline_quantile', ql, view.bounds[3 * i]!);
        derived.add('iora_baseline_lower', ql, view.bounds[3 * i + 1]!);
        derived.add('iora_baseline_upper', ql, view.bounds[3 * i + 2]!);
      });
      derived.add('iora_baseline_samples', view.season === undefined ? labels : extendLabels(labels, extra), view.samples);
    }
    derived.add('iora_baseline_ready', labels, view?.ready ? 1 : 0);
    for (const [period, s] of Object.entries(state.seasonality)) derived.add('iora_baseline_seasonality', state.labelsWith('period', period), s.strength);
    return count;
  }

  /** Labels of a quantile point; the common case (a sketch, no error label) is built once per series. */
  private qualified(state: SeriesState, q: number, bucketError: number | undefined): Record<string, string> {
    if (bucketError !== undefined) return extendLabels(state.meta.labels, { quantile: formatQuantile(q), error: formatError(bucketError) });
    state.quantileLabels ??= this.cfg.quantiles.map((each) => extendLabels(state.meta.labels, { quantile: formatQuantile(each) }));
    return state.quantileLabels[this.cfg.quantiles.indexOf(q)] ?? extendLabels(state.meta.labels, { quantile: formatQuantile(q) });
  }
}
