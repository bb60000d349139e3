// Turns derived values into an Observation for each enabled signal, with the numbers a person needs
// to trust the verdict (the bounds compared, the sample count).

import type { RegressionConfig } from '../config.js';
import type { DerivedSeries, TrafficGroup } from './derived-index.js';
import type { Observation } from './detector.js';
import type { TrafficReference } from './traffic-reference.js';
import { proportionBounds, rateBounds, windowQuantileBounds } from './window-bounds.js';

export type SignalName = 'latency' | 'error_ratio' | 'throughput';

export interface Reading extends Observation {
  signal: SignalName;
  /** Labels of the published regression series and of the finding. */
  labels: Record<string, string>;
  samples: number;
  /** The window's bound on the baseline's side, and the baseline's bound on the window's side. */
  windowBound: number;
  baselineBound: number;
  windowSeconds?: number;
}

/** The current window quantile against the baseline quantile; undefined when there is no verdict to give. */
export function readLatency(series: DerivedSeries, config: RegressionConfig): Reading | undefined {
  const q = config.quantile;
  const current = series.windowQuantiles.get(q);
  const baseline = series.baselineQuantiles.get(q);
  const samples = series.windowCount;
  if (current === undefined || baseline === undefined || !(baseline > 0)) return undefined;
  if (series.baselineReady !== true || samples === undefined || samples < config.min_samples) return undefined;
  const bounds = windowQuantileBounds(series.windowQuantiles, q, samples, config.confidence_level);
  if (bounds === undefined) return undefined;
  const baselineBound = series.baselineUpper.get(q) ?? baseline;
  return {
    signal: 'latency',
    labels: { ...series.labels, quantile: String(q), signal: 'latency' },
    current,
    baseline,
    degradation: (current - baseline) / baseline,
    significant: bounds.lower > baselineBound,
    samples,
    windowBound: bounds.lower,
    baselineBound,
    windowSeconds: series.windowRate !== undefined && series.windowRate > 0 ? samples / series.windowRate : undefined,
  };
}

function windowSeconds(group: TrafficGroup, reference: TrafficReference): number | undefined {
  return group.requests > 0 && group.rate > 0 ? group.requests / group.rate : reference.windowSeconds;
}

/**
 * The window's error ratio against the route's normal one. A reference without a single failure would
 * make any error an infinite degradation; half an error over its requests stands in for zero
 * (a continuity correction), so the ratio stays finite and the Wilson bounds decide.
 */
export function readErrorRatio(group: TrafficGroup, reference: TrafficReference, config: RegressionConfig): Reading | undefined {
  if (group.errorRatio === undefined || group.requests < config.min_samples || !reference.ready(config.min_samples)) return undefined;
  const current = group.errorRatio;
  const referenceBounds = reference.errorRatioBounds(config.confidence_level);
  const baseline = Math.max(reference.errorRatio, 0.5 / reference.requestsSeen);
  const bounds = proportionBounds(current, group.requests, config.confidence_level);
  return {
    signal: 'error_ratio',
    labels: { ...group.labels, signal: 'error_ratio' },
    current,
    baseline,
    degradation: (current - baseline) / baseline,
    significant: bounds.lower > referenceBounds.upper,
    samples: group.requests,
    windowBound: bounds.lower,
    baselineBound: referenceBounds.upper,
    windowSeconds: windowSeconds(group, reference),
  };
}

/** The window's request rate against the route's normal one; a drop is the degradation. */
export function readThroughput(group: TrafficGroup, reference: TrafficReference, config: RegressionConfig): Reading | undefined {
  const seconds = windowSeconds(group, reference);
  if (seconds === undefined || !reference.ready(config.min_samples)) return undefined;
  const baseline = reference.rate;
  if (!(baseline > 0)) return undefined;
  const current = group.rate;
  const bounds = rateBounds(group.requests, seconds, config.confidence_level);
  const referenceBounds = reference.rateBounds(config.confidence_level);
  return {
    signal: 'throughput',
    labels: { ...group.labels, signal: 'throughput' },
    current,
    baseline,
    degradation: (baseline - current) / baseline,
    significant: bounds.upper < referenceBounds.lower,
    samples: group.requests,
    windowBound: bounds.upper,
    baselineBound: referenceBounds.lower,
    windowSeconds: seconds,
  };
}
