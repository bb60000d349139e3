// The regression step: for every source series whose window and baseline the baseline processor
// published in this batch, decide whether it has regressed (see internal/detector.ts), publish
// iora_regression_degradation_ratio and iora_regression_severity, hold regressed series out of their
// baseline, and emit `regression` findings while firing (and a resolved one on recovery).

import type { ComponentSettings } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import type { Finding, MetricBatch } from '../../pipeline/model.js';
import type { ProcessorStep, StepContext } from '../../pipeline/processor-helper.js';
import { SeriesLimiter } from '../../pipeline/series-limiter.js';
import type { RegressionConfig } from './config.js';
import { indexDerivedSeries, indexSourceSeries, indexTrafficGroups, type DerivedSeries, type TrafficGroup } from './internal/derived-index.js';
import { evaluate, NORMAL, withoutVerdict, type DetectorRules, type DetectorState } from './internal/detector.js';
import { regressionFinding, RegressionSeries } from './internal/output.js';
import { readErrorRatio, readLatency, readThroughput, type Reading } from './internal/signals.js';
import { TrafficReference } from './internal/traffic-reference.js';

interface SeriesState {
  detector: DetectorState;
  metric: string;
  /** seriesKey() of the source series, once seen in a batch: the quarantine key. */
  sourceKey?: string;
  /** For the error-ratio and throughput signals: the route's normal traffic. */
  reference?: TrafficReference;
  lastEvaluatedMs: number;
}

type TrafficReader = (group: TrafficGroup, reference: TrafficReference, config: RegressionConfig) => Reading | undefined;

/** How often idle series are looked for; they are forgotten after `for` + `accept_after` without a window. */
const SWEEP_INTERVAL_MS = 60_000;

export class RegressionStep implements ProcessorStep {
  private readonly rules: DetectorRules;
  private readonly halfLifeMs: number;
  private readonly trafficReaders: [string, TrafficReader][];
  private readonly states = new Map<string, SeriesState>();
  private readonly limiter: SeriesLimiter;
  private lastSweepMs = 0;

  constructor(
    private readonly config: RegressionConfig,
    private readonly settings: ComponentSettings,
  ) {
    this.rules = {
      thresholds: config.thresholds,
      forMs: parseDuration(config.for) ?? 0,
      acceptAfterMs: parseDuration(config.accept_after) ?? 0,
    };
    this.halfLifeMs = parseDuration(config.reference_half_life) ?? 3_600_000;
    this.trafficReaders = [];
    if (config.signals.error_ratio) this.trafficReaders.push(['error_ratio', readErrorRatio]);
    if (config.signals.throughput_drop) this.trafficReaders.push(['throughput', readThroughput]);
    this.limiter = new SeriesLimiter({ maxSeries: config.max_series, maxSeriesPerMetric: config.max_series });
  }

  process(batch: MetricBatch, ctx: StepContext): MetricBatch {
    const derived = indexDerivedSeries(batch);
    if (derived.size === 0) return batch;
    const sources = indexSourceSeries(batch);
    const series = new RegressionSeries();
    const findings: Finding[] = [];
    const record = (s: DerivedSeries | TrafficGroup, state: SeriesState, reading: Reading) => {
      const verdict = this.judge(state, s, reading, ctx.nowMs);
      series.add(s.resource, reading, verdict.level, s.timeMs);
      if (verdict.finding) findings.push(verdict.finding);
    };
    if (this.config.signals.latency) {
      for (const [key, s] of derived) {
        const stateKey = `${key}\u0003latency`;
        const reading = readLatency(s, this.config);
        if (reading === undefined) {
          this.noVerdict(stateKey);
          continue;
        }
        const state = this.stateFor(stateKey, s.labels, ctx, sources.get(key));
        if (state) record(s, state, reading);
      }
    }
    for (const [key, group] of this.trafficReaders.length > 0 ? indexTrafficGroups(derived) : []) {
      for (const [signal, read] of this.trafficReaders) {
        const state = this.stateFor(`${key}\u0003${signal}`, group.labels, ctx);
        if (state === undefined) continue;
        state.reference ??= new TrafficReference(this.halfLifeMs);
        const reading = read(group, state.reference, this.config);
        if (reading) record(group, state, reading);
        else this.noVerdict(`${key}\u0003${signal}`);
        this.learnTraffic(state, state.reference, group, ctx.nowMs);
      }
    }
    this.sweep(ctx.nowMs);
    return series.appendTo(batch, findings);
  }

  /** Normal windows (or any, once a regression is older than accept_after) become the route's reference. */
  private learnTraffic(state: SeriesState, reference: TrafficReference, group: TrafficGroup, nowMs: number): void {
    const accepted = state.detector.phase === 'normal' || nowMs - state.detector.sinceMs >= this.rules.acceptAfterMs;
    if (!accepted || !(group.requests > 0 && group.rate > 0)) return;
    state.lastEvaluatedMs = nowMs;
    reference.absorb(group.requests, group.errorRatio ?? 0, group.requests / group.rate, nowMs);
  }

  private stateFor(key: string, labels: Readonly<Record<string, string>>, ctx: StepContext, sourceKey?: string): SeriesState | undefined {
    let state = this.states.get(key);
    if (state === undefined) {
      const metric = labels.metric ?? '';
      if (!this.limiter.admit(metric)) {
        ctx.drop(1, 'max_series');
        return undefined;
      }
      state = { detector: NORMAL, metric, lastEvaluatedMs: ctx.nowMs };
      this.states.set(key, state);
    }
    if (sourceKey !== undefined) state.sourceKey = sourceKey;
    return state;
  }

  private judge(state: SeriesState, s: DerivedSeries | TrafficGroup, reading: Reading, nowMs: number): { level: number; finding?: Finding } {
    const verdict = evaluate(state.detector, reading, nowMs, this.rules);
    state.detector = verdict.state;
    state.lastEvaluatedMs = nowMs;
    this.quarantine(state, verdict.hold);
    if (verdict.event === undefined) return { level: verdict.level };
    const resolved = verdict.event === 'resolve';
    const finding = regressionFinding({
      resource: s.resource,
      reading,
      level: verdict.level,
      resolved,
      sinceMs: resolved ? nowMs : verdict.state.sinceMs,
      nowMs,
      confidenceLevel: this.config.confidence_level,
    });
    if (verdict.event === 'fire') this.settings.logger.info({ component: this.settings.id }, finding.message);
    return { level: verdict.level, finding };
  }

  private noVerdict(key: string): void {
    const state = this.states.get(key);
    if (state === undefined) return;
    const verdict = withoutVerdict(state.detector);
    state.detector = verdict.state;
    this.quarantine(state, verdict.hold);
  }

  private quarantine(state: SeriesState, hold: { untilMs: number } | 'release' | undefined): void {
    if (hold === undefined || state.sourceKey === undefined) return;
    const quarantine = this.settings.host.quarantine;
    if (hold === 'release') quarantine.release(state.sourceKey);
    else quarantine.hold(state.sourceKey, hold.untilMs);
  }

  /** Forgets series that stopped publishing windows, releasing their quarantine and their slot under the cap. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.lastSweepMs = nowMs;
    const idleMs = this.rules.forMs + this.rules.acceptAfterMs;
    for (const [key, state] of this.states) {
      if (nowMs - state.lastEvaluatedMs <= idleMs) continue;
      this.quarantine(state, 'release');
      this.states.delete(key);
      this.limiter.release(state.metric);
    }
  }
}
