// The `regression` processor's config. Defaults are the specification's numbers: p95 against its
// baseline, severities medium > 10%, high > 15%, critical > 25% (below 10% is "low", never alerted).

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration, parseDuration } from '../../pipeline/duration.js';

export interface RegressionThresholds {
  medium: number;
  high: number;
  critical: number;
}

export interface RegressionSignals {
  /** The window quantile (`quantile`) against the baseline quantile. */
  latency: boolean;
  /** A route's error ratio over the window against its normal one. */
  error_ratio: boolean;
  /**
   * A route's request rate falling below its normal one. Off by default: traffic follows the users,
   * and a quiet hour is not a fault; turn it on for steady traffic (batch feeds, health checks).
   */
  throughput_drop: boolean;
}

export interface RegressionConfig {
  /** Which published quantile is compared: 0.95 or 0.99 (must be one the baseline publishes). */
  quantile: number;
  thresholds: RegressionThresholds;
  /** Fewer samples than this in the current window: no verdict either way. */
  min_samples: number;
  /** Confidence of the window's and the baseline's bounds used for significance. */
  confidence_level: number;
  /** How long a significant degradation must last before it fires (like Prometheus's `for`). */
  for: string;
  /** How long a regressed series is kept out of its baseline before its new level is accepted as normal. */
  accept_after: string;
  signals: RegressionSignals;
  /**
   * Memory of the normal error ratio and request rate, which this processor learns itself (the
   * baseline processor learns latency distributions): half of it is forgotten every half-life.
   */
  reference_half_life: string;
  /** Cap on series whose state is kept; beyond it new series are not evaluated (counted, logged once). */
  max_series: number;
}

export function createDefaultConfig(): RegressionConfig {
  return {
    quantile: 0.95,
    thresholds: { medium: 0.1, high: 0.15, critical: 0.25 },
    min_samples: 100,
    confidence_level: 0.95,
    for: '5m',
    accept_after: '24h',
    signals: { latency: true, error_ratio: true, throughput_drop: false },
    reference_half_life: '1h',
    max_series: 10_000,
  };
}

function fraction(value: unknown, path: string, issues: ConfigIssue[], opts: { exclusive: boolean }): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (opts.exclusive ? value < 1 : true);
  if (!ok) issues.push({ path, message: opts.exclusive ? 'must be a number between 0 and 1 (exclusive)' : 'must be a positive number' });
}

export function validate(config: RegressionConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  fraction(config.quantile, 'quantile', issues, { exclusive: true });
  fraction(config.confidence_level, 'confidence_level', issues, { exclusive: true });
  const t = config.thresholds;
  for (const level of ['medium', 'high', 'critical'] as const) fraction(t[level], `thresholds::${level}`, issues, { exclusive: false });
  if (t.high <= t.medium) issues.push({ path: 'thresholds::high', message: 'must be > medium' });
  if (t.critical <= t.high) issues.push({ path: 'thresholds::critical', message: 'must be > high' });
  if (!Number.isInteger(config.min_samples) || config.min_samples < 1) {
    issues.push({ path: 'min_samples', message: 'must be an integer ≥ 1' });
  }
  if (!Number.isInteger(config.max_series) || config.max_series < 1) {
    issues.push({ path: 'max_series', message: 'must be an integer ≥ 1' });
  }
  const forIssue = checkDuration(config.for, { allowZero: true });
  if (forIssue) issues.push({ path: 'for', message: forIssue });
  const acceptIssue = checkDuration(config.accept_after);
  if (acceptIssue) issues.push({ path: 'accept_after', message: acceptIssue });
  if (!forIssue && !acceptIssue && parseDuration(config.accept_after)! <= parseDuration(config.for)!) {
    issues.push({ path: 'accept_after', message: 'must be longer than for' });
  }
  const halfLife = checkDuration(config.reference_half_life);
  if (halfLife) issues.push({ path: 'reference_half_life', message: halfLife });
  for (const name of ['latency', 'error_ratio', 'throughput_drop'] as const) {
    if (typeof config.signals[name] !== 'boolean') issues.push({ path: `signals::${name}`, message: 'must be true or false' });
  }
  return issues;
}
