// Welch's two-sample t-test on estimates of a mean, each with its own standard error and degrees of
// freedom. Taking summaries rather than raw samples lets one test serve both cases the bench meets:
// several repeated runs (standard error from their spread, df = runs − 1) and a single run (standard
// error from a distribution-free confidence interval, df = Infinity, i.e. a z-test).

import { mean, stddev } from './descriptive.js';
import { studentTCdf } from './student-t.js';

export interface MeanEstimate {
  mean: number;
  standardError: number;
  /** Infinity when the standard error is known rather than estimated from a few values. */
  degreesOfFreedom: number;
}

export interface WelchResult {
  /** b.mean − a.mean */
  difference: number;
  standardError: number;
  degreesOfFreedom: number;
  t: number;
  /** One-sided p-value for "b is greater than a" (small → b is significantly greater). */
  pGreater: number;
}

/** Mean, standard error and df of repeated measurements; NaN standard error below two values. */
export function estimateMean(values: readonly number[]): MeanEstimate {
  return {
    mean: mean(values),
    standardError: stddev(values) / Math.sqrt(values.length),
    degreesOfFreedom: values.length - 1,
  };
}

/**
 * Welch's test with the Welch–Satterthwaite degrees of freedom. When both standard errors are zero
 * (identical repeated values) any difference is certain: pGreater is 0 or 1 (0.5 for no difference).
 */
export function welchTest(a: MeanEstimate, b: MeanEstimate): WelchResult {
  const va = a.standardError ** 2;
  const vb = b.standardError ** 2;
  const difference = b.mean - a.mean;
  const standardError = Math.sqrt(va + vb);
  const dfTerm = (v: number, df: number): number => (v === 0 ? 0 : (v * v) / df);
  const denominator = dfTerm(va, a.degreesOfFreedom) + dfTerm(vb, b.degreesOfFreedom);
  const degreesOfFreedom = denominator === 0 ? Infinity : ((va + vb) * (va + vb)) / denominator;
  if (standardError === 0) {
    const pGreater = difference > 0 ? 0 : difference < 0 ? 1 : 0.5;
    return { difference, standardError, degreesOfFreedom, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, pGreater };
  }
  const t = difference / standardError;
  return { difference, standardError, degreesOfFreedom, t, pGreater: 1 - studentTCdf(t, degreesOfFreedom) };
}
