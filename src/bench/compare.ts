// Judges a scenario's runs against its baseline runs and its targets, one check per metric.
//
// A change only counts as a regression when it is both large (the regression processor's severity
// thresholds) and statistically significant: Welch's test on the log of the per-run values, so
// run-to-run noise (or, with a single run, the run's own confidence interval) is accounted for and
// the report can say how sure it is.

import type { Severity } from '../pipeline/model.js';
import { createDefaultConfig, type RegressionThresholds } from '../processors/regression/config.js';
import { SEVERITY_NAMES, severityLevel } from '../processors/regression/internal/detector.js';
import { mean } from '../stats/descriptive.js';
import { estimateMean, welchTest, type MeanEstimate } from '../stats/welch-test.js';
import { METRIC_UNITS, METRICS, RUN_INTERVAL_Z, type Estimate, type MetricName, type RunMeasurement } from './measurement.js';
import type { Targets } from './scenario.js';

export const FAIL_ON_LEVELS = ['medium', 'high', 'critical'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

const REGRESSION_DEFAULTS = createDefaultConfig();
/** The `regression` processor's defaults: medium ≥ 10%, high ≥ 15%, critical ≥ 25%. */
export const DEFAULT_THRESHOLDS: RegressionThresholds = REGRESSION_DEFAULTS.thresholds;
/** How sure a change must be before it counts (the regression processor's confidence level). */
export const DEFAULT_CONFIDENCE_LEVEL = REGRESSION_DEFAULTS.confidence_level;

export interface CompareRules {
  thresholds: RegressionThresholds;
  confidenceLevel: number;
  failOn: FailOn;
  /** False while recording a new baseline: regressions are reported, only targets fail. */
  regressionsFail: boolean;
}

export interface MetricCheck {
  metric: MetricName;
  unit: string;
  /** Mean over the runs (NaN without data). */
  current: number;
  baseline?: number;
  /** Relative change towards worse: (current − baseline) / baseline for latency, the drop for throughput. */
  degradation?: number;
  /** Probability that the metric really got worse (1 − one-sided p-value). */
  confidence?: number;
  significant?: boolean;
  /** By the size of a significant worsening; absent when not worse or not significant. */
  severity?: Severity;
  regression: boolean;
  target?: number;
  targetBreached: boolean;
  /** By the fail-on policy: a target breach, or a significant regression at or above `failOn`. */
  failed: boolean;
  /** What was found, in words (also for unremarkable checks: JUnit shows it). */
  summary: string;
  /** Worth a line in a report: a regression, a breach, or a large change still within noise. */
  notable: boolean;
}

const TARGET_OF: Readonly<Record<MetricName, keyof Targets>> = {
  latency_p50: 'p50',
  latency_p95: 'p95',
  latency_p99: 'p99',
  throughput: 'throughput',
  error_ratio: 'errorRate',
};

/** Metrics compared with their baseline. The error ratio is judged by its target only: relative change of a ratio near zero means nothing. */
const RELATIVE_METRICS: ReadonlySet<MetricName> = new Set(['latency_p50', 'latency_p95', 'latency_p99', 'throughput']);
const LOWER_IS_WORSE: ReadonlySet<MetricName> = new Set(['throughput']);

const TINY = 1e-9;

/**
 * Log-scale estimate of a metric over runs. Several runs: their spread (df = runs − 1). One run: the
 * standard error implied by its own 95% interval (df = Infinity).
 */
function logEstimate(estimates: readonly Estimate[]): MeanEstimate | undefined {
  const usable = estimates.filter((e) => Number.isFinite(e.value) && e.value > 0);
  if (usable.length === 0) return undefined;
  if (usable.length >= 2) return estimateMean(usable.map((e) => Math.log(e.value)));
  const only = usable[0]!;
  const spread = Math.log(Math.max(only.upper, TINY)) - Math.log(Math.max(only.lower, TINY));
  return { mean: Math.log(only.value), standardError: spread / (2 * RUN_INTERVAL_Z), degreesOfFreedom: Infinity };
}

function format(metric: MetricName, value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (metric === 'error_ratio') return `${(value * 100).toFixed(2)}%`;
  return `${value.toFixed(1)} ${METRIC_UNITS[metric]}`;
}

/** `97.3%`; never rounds up to a certainty it does not have (`>99.9%`). */
export function formatConfidence(confidence: number): string {
  return confidence > 0.999 ? '>99.9%' : `${(Math.floor(confidence * 1000) / 10).toFixed(1)}%`;
}

export function formatValue(metric: MetricName, value: number | undefined): string {
  return value === undefined ? '—' : format(metric, value);
}

function finiteMean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : mean(finite);
}

function targetBreached(metric: MetricName, current: number, target: number | undefined): boolean {
  if (target === undefined) return false;
  if (!Number.isFinite(current)) return true;
  return LOWER_IS_WORSE.has(metric) ? current < target : current > target;
}

/** The baseline side of a check: size of the change, how sure it is, severity, fail-on verdict. */
function judgeChange(check: MetricCheck, baselineValue: number, before: MeanEstimate, after: MeanEstimate, rules: CompareRules): string {
  const metric = check.metric;
  const lowerIsWorse = LOWER_IS_WORSE.has(metric);
  const change = (lowerIsWorse ? baselineValue - check.current : check.current - baselineValue) / baselineValue;
  const confidence = 1 - (lowerIsWorse ? welchTest(after, before) : welchTest(before, after)).pGreater;
  const significant = confidence >= rules.confidenceLevel;
  const level = significant ? severityLevel(change, rules.thresholds) : 0;
  const severity = SEVERITY_NAMES[level];
  const large = change >= rules.thresholds.medium;
  check.degradation = change;
  check.confidence = confidence;
  check.significant = significant;
  if (severity) check.severity = severity;
  check.regression = level >= 2;
  check.notable = large;
  check.failed = rules.regressionsFail && significant && level >= SEVERITY_NAMES.indexOf(rules.failOn);
  const direction = lowerIsWorse ? (change >= 0 ? 'lower' : 'higher') : change >= 0 ? 'slower' : 'faster';
  const size = `${Math.abs(change * 100).toFixed(1)}% ${direction} than baseline ${format(metric, baselineValue)}`;
  if (check.regression) return `${severity} regression: ${size} (${formatConfidence(confidence)} sure)`;
  if (large && !significant) return `${size}, but within run-to-run noise (only ${formatConfidence(confidence)} sure it is worse)`;
  return size;
}

function checkMetric(metric: MetricName, current: RunMeasurement[], baseline: RunMeasurement[] | undefined, targets: Targets, rules: CompareRules): MetricCheck {
  const currentValue = finiteMean(current.map((r) => r.metrics[metric].value));
  const target = targets[TARGET_OF[metric]];
  const check: MetricCheck = {
    metric,
    unit: METRIC_UNITS[metric],
    current: currentValue,
    regression: false,
    targetBreached: targetBreached(metric, currentValue, target),
    failed: false,
    summary: '',
    notable: false,
  };
  if (target !== undefined) check.target = target;
  const notes: string[] = [];
  if (baseline) {
    const baselineValue = finiteMean(baseline.map((r) => r.metrics[metric].value));
    if (Number.isFinite(baselineValue)) check.baseline = baselineValue;
    const before = logEstimate(baseline.map((r) => r.metrics[metric]));
    const after = logEstimate(current.map((r) => r.metrics[metric]));
    if (RELATIVE_METRICS.has(metric) && before && after && baselineValue > 0) notes.push(judgeChange(check, baselineValue, before, after, rules));
  }
  if (check.targetBreached) {
    notes.push(`target ${LOWER_IS_WORSE.has(metric) ? '≥' : '≤'} ${format(metric, target!)} breached (${format(metric, currentValue)})`);
    check.failed = true;
    check.notable = true;
  }
  check.summary = notes.length > 0 ? notes.join('; ') : baseline ? 'ok' : 'no baseline';
  return check;
}

export function compareScenario(current: RunMeasurement[], baseline: RunMeasurement[] | undefined, targets: Targets, rules: CompareRules): MetricCheck[] {
  return METRICS.map((metric) => checkMetric(metric, current, baseline, targets, rules));
}
