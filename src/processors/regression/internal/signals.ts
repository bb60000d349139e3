// Turns one source series' derived values into an Observation for each enabled signal, with the numbers
// a person needs to trust the verdict (the bounds compared, the sample count).

import type { RegressionConfig } from '../config.js';
import type { DerivedSeries } from './derived-index.js';
import type { Observation } from './detector.js';
import { windowQuantileBounds } from './window-bounds.js';

export type SignalName = 'latency';

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
