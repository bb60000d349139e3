// The `baseline` processor's config (the keys are a contract: see README and DESIGN.md).

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration, parseDuration } from '../../pipeline/duration.js';
import { checkSeriesLimits } from '../../pipeline/series-limiter.js';

export interface BaselineConfig {
  /** Evaluation window: iora_window_* describe the last `window` of data. */
  window: string;
  /** How far back the baseline learns; older buckets expire. */
  period: string;
  /** Granularity of learning: one sketch per series per bucket; the unit of expiry and seasonality. */
  bucket: string;
  /** Published quantiles, in percent. */
  percentiles: number[];
  /** Samples the baseline needs before it is ready (with min_coverage). */
  min_samples: number;
  /** Fraction of the period's buckets that must hold data before the baseline is ready. */
  min_coverage: number;
  /** Coverage probability of iora_baseline_lower/_upper. */
  confidence_level: number;
  /**
   * SQLite file for learned state (WAL; survives restarts and kill -9 up to the current bucket). Empty keeps
   * it in an in-memory database: lost on restart, and every bucket sketch then counts against RSS (about
   * 200 bytes per series per bucket), so large deployments should set a file.
   */
  store: string;
  /** Series learned across all metrics; more are dropped and counted. */
  max_series: number;
  /** Series learned per metric. */
  max_series_per_metric: number;
}

export function createDefaultConfig(): BaselineConfig {
  return {
    window: '1m',
    period: '7d',
    bucket: '1h',
    percentiles: [50, 95, 99],
    // p99's rank interval needs n·0.99·0.01 ≳ 10 to be meaningful: about 1000 samples.
    min_samples: 1000,
    // A tenth of the period (17 h of 7 d): most of a day's shape before judging against it.
    min_coverage: 0.1,
    confidence_level: 0.95,
    store: '',
    max_series: 10_000,
    max_series_per_metric: 10_000,
  };
}

/** Parsed, checked config in milliseconds and fractions: what the processor uses. */
export interface BaselineSettings {
  windowMs: number;
  periodMs: number;
  bucketMs: number;
  quantiles: number[];
  minSamples: number;
  minCoverage: number;
  confidenceLevel: number;
  store: string;
  maxSeries: number;
  maxSeriesPerMetric: number;
}

export function resolve(config: BaselineConfig): BaselineSettings {
  return {
    windowMs: parseDuration(config.window)!,
    periodMs: parseDuration(config.period)!,
    bucketMs: parseDuration(config.bucket)!,
    quantiles: config.percentiles.map((p) => p / 100),
    minSamples: config.min_samples,
    minCoverage: config.min_coverage,
    confidenceLevel: config.confidence_level,
    store: config.store,
    maxSeries: config.max_series,
    maxSeriesPerMetric: config.max_series_per_metric,
  };
}

/** Buckets per period are the ring size of every series: bounded so state per series stays bounded. */
const MAX_BUCKETS_PER_PERIOD = 10_000;

export function validate(config: BaselineConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ['window', 'period', 'bucket'] as const) {
    const problem = checkDuration(config[key]);
    if (problem !== undefined) issues.push({ path: key, message: problem });
  }
  const window = parseDuration(String(config.window));
  const period = parseDuration(String(config.period));
  const bucket = parseDuration(String(config.bucket));
  if (window !== undefined && bucket !== undefined && window > bucket) issues.push({ path: 'window', message: `must not be longer than bucket (${config.bucket})` });
  if (period !== undefined && bucket !== undefined) {
    if (period % bucket !== 0 || period < bucket) issues.push({ path: 'period', message: `must be a whole multiple of bucket (${config.bucket})` });
    else if (period / bucket > MAX_BUCKETS_PER_PERIOD) issues.push({ path: 'period', message: `holds ${period / bucket} buckets; at most ${MAX_BUCKETS_PER_PERIOD} (use a longer bucket)` });
  }
  if (!Array.isArray(config.percentiles) || config.percentiles.length === 0) {
    issues.push({ path: 'percentiles', message: 'must be a non-empty list of percentiles between 0 and 100' });
  } else {
    config.percentiles.forEach((p, i) => {
      if (typeof p !== 'number' || !(p > 0 && p < 100)) issues.push({ path: `percentiles::${i}`, message: 'must be a number between 0 and 100 (exclusive)' });
    });
    if (new Set(config.percentiles).size !== config.percentiles.length) issues.push({ path: 'percentiles', message: 'must not repeat a percentile' });
  }
  if (!Number.isInteger(config.min_samples) || config.min_samples < 1) issues.push({ path: 'min_samples', message: 'must be a whole number of at least 1' });
  if (typeof config.min_coverage !== 'number' || !(config.min_coverage > 0 && config.min_coverage <= 1)) {
    issues.push({ path: 'min_coverage', message: 'must be a fraction in (0, 1]' });
  }
  if (typeof config.confidence_level !== 'number' || !(config.confidence_level > 0 && config.confidence_level < 1)) {
    issues.push({ path: 'confidence_level', message: 'must be a probability in (0, 1), e.g. 0.95' });
  }
  if (typeof config.store !== 'string') issues.push({ path: 'store', message: 'must be a file path (empty for memory only)' });
  issues.push(...checkSeriesLimits(config));
  return issues;
}
