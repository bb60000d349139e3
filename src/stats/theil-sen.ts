// Theil–Sen estimator: the median of the slopes between all pairs of points. Robust to outliers
// (breakdown point ~29%): one GC spike or one slow request does not tilt a memory or latency trend,
// which is why the leak detector and the bench use it instead of least squares.

import { median } from './descriptive.js';

export interface XY {
  x: number;
  y: number;
}

/**
 * Above this many points the pairwise slopes (n²/2) are computed over an evenly spaced subset of the
 * points instead: 2000 points → 2 million slopes, a few hundred milliseconds at worst, and a trend
 * estimated from 2000 evenly spread samples is as robust as one from all of them.
 */
export const THEIL_SEN_MAX_POINTS = 2000;

function evenlySpaced(points: readonly XY[], max: number): readonly XY[] {
  if (points.length <= max) return points;
  const out: XY[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

/**
 * Theil–Sen slope (units of y per unit of x). Pairs with equal x are skipped; non-finite points are
 * ignored. NaN when fewer than two distinct x values remain.
 */
export function theilSenSlope(points: readonly XY[]): number {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const used = evenlySpaced(finite, THEIL_SEN_MAX_POINTS);
  const slopes: number[] = [];
  for (let i = 0; i < used.length; i++) {
    const a = used[i]!;
    for (let j = i + 1; j < used.length; j++) {
      const b = used[j]!;
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  return median(slopes);
}

/**
 * Theil–Sen line: the slope above and the intercept as the median of y − slope·x (Sen's choice),
 * so `y ≈ intercept + slope·x`. Both NaN when the slope is undefined.
 */
export function theilSenLine(points: readonly XY[]): { slope: number; intercept: number } {
  const slope = theilSenSlope(points);
  if (Number.isNaN(slope)) return { slope, intercept: NaN };
  const residuals = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => p.y - slope * p.x);
  return { slope, intercept: median(residuals) };
}
