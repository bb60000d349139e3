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
import { indexDerivedSeries, indexSourceSeries, type DerivedSeries } from './internal/derived-index.js';
import { evaluate, NORMAL, type DetectorRules, type DetectorState } from './internal/detector.js';
import { regressionFinding, RegressionSeries } from './internal/output.js';
import { readLatency, type Reading } from './internal/signals.js';

interface SeriesState {
  detector: DetectorState;
  metric: string;
  /** seriesKey() of the source series, once seen in a batch: the quarantine key. */
  sourceKey?: string;
  lastEvaluatedMs: number;
}

/** How often idle series are looked for; they are forgotten after `for` + `accept_after` without a window. */
const SWEEP_INTERVAL_MS = 60_000;

export class RegressionStep implements ProcessorStep {
  private readonly rules: DetectorRules;
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
    this.limiter = new SeriesLimiter({ maxSeries: config.max_series, maxSeriesPerMetric: config.max_series });
  }

  process(batch: MetricBatch, ctx: StepContext): MetricBatch {
    const derived = indexDerivedSeries(batch);
    if (derived.size === 0) return batch;
    const sources = indexSourceSeries(batch);
    const series = new RegressionSeries();
    const findings: Finding[] = [];
    for (const [key, s] of derived) {
      for (const reading of this.readings(s)) {
        const state = this.stateFor(`${key}\u0003${reading.signal}`, s, sources.get(key), ctx);
        if (state === undefined) continue;
        const finding = this.judge(state, s, reading, ctx.nowMs);
        series.add(s.resource, reading, finding.level, s.timeMs);
        if (finding.finding) findings.push(finding.finding);
      }
    }
    this.sweep(ctx.nowMs);
    return series.appendTo(batch, findings);
  }

  private readings(s: DerivedSeries): Reading[] {
    const out: Reading[] = [];
    if (this.config.signals.latency) {
      const latency = readLatency(s, this.config);
      if (latency) out.push(latency);
    }
    return out;
  }

  private stateFor(key: string, s: DerivedSeries, sourceKey: string | undefined, ctx: StepContext): SeriesState | undefined {
    let state = this.states.get(key);
    if (state === undefined) {
      const metric = s.labels.metric ?? '';
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

  private judge(state: SeriesState, s: DerivedSeries, reading: Reading, nowMs: number): { level: number; finding?: Finding } {
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
