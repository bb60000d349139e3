// Distribution-free confidence intervals for quantiles. The number of samples below the true
// q-quantile is Binomial(n, q), so a pair of order statistics (ranks) brackets it with a known
// probability whatever the distribution — exactly what a latency baseline needs (latencies are
// skewed, multi-modal and heavy-tailed; no normality assumption would hold).

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.15e-9).
 * `p` in (0, 1); ±Infinity at the ends.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** 0-based ranks into the sorted sample: the interval is [sorted[lower], sorted[upper]]. */
export interface RankInterval {
  lower: number;
  upper: number;
}

/**
 * Ranks bracketing the q-quantile of n samples with probability ≈ `confidenceLevel`, by the normal
 * approximation to Binomial(n, q) with a continuity correction: n·q ± z·√(n·q·(1−q)), widened outward
 * to whole ranks and clamped to [0, n−1]. The approximation needs n·q·(1−q) of about 5 or more (e.g.
 * ≥ 500 samples for p99); below that the interval is wide, which is the honest answer — readiness
 * thresholds (`min_samples`) keep such baselines from being used. Undefined for n = 0.
 */
export function quantileRankInterval(n: number, q: number, confidenceLevel: number): RankInterval | undefined {
  if (n <= 0) return undefined;
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const center = n * q;
  const half = z * Math.sqrt(n * q * (1 - q)) + 0.5;
  // center − half counts samples below, so as a 0-based rank it is one lower; upper likewise.
  const lower = Math.max(0, Math.floor(center - half) - 1);
  const upper = Math.min(n - 1, Math.ceil(center + half) - 1);
  return { lower: Math.min(lower, upper), upper: Math.max(lower, upper) };
}
