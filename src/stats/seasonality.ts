// Seasonality detection on evenly spaced values (a series' hourly medians): autocorrelation at the
// season's lag (24 h daily, 168 h weekly). Traffic-driven latency often follows the day; a baseline
// that ignores it flags every evening peak as a regression.

/**
 * Sample autocorrelation at `lag`; missing values (undefined/NaN) are skipped pairwise. NaN when fewer
 * than `lag + 2` values or no variance.
 */
export function autocorrelation(values: ReadonlyArray<number | undefined>, lag: number): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v !== undefined && Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  if (n < lag + 2) return NaN;
  const m = sum / n;
  let denom = 0;
  for (const v of values) if (v !== undefined && Number.isFinite(v)) denom += (v - m) * (v - m);
  if (denom === 0) return NaN;
  let num = 0;
  let pairs = 0;
  for (let t = 0; t + lag < values.length; t++) {
    const a = values[t];
    const b = values[t + lag];
    if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    num += (a - m) * (b - m);
    pairs++;
  }
  if (pairs === 0) return NaN;
  // Normalise per pair so gaps do not shrink the correlation.
  return (num / pairs) / (denom / n);
}

export interface SeasonalityOptions {
  /**
   * Whole seasons of data needed before a pattern counts (3: one repetition could be chance, three
   * consistent ones are a pattern).
   */
  minSeasons: number;
  /**
   * Strength from which a pattern is used: 0.5 means the seasonal shape explains about half of the
   * variance; weaker patterns are noise that the flat baseline's confidence bounds already absorb.
   */
  threshold: number;
}

export const DEFAULT_SEASONALITY: SeasonalityOptions = { minSeasons: 3, threshold: 0.5 };

export interface Seasonality {
  /** Season length in steps (24 for daily over hourly values). */
  lag: number;
  /**
   * acf(lag) − max(0, acf(lag/2)), clamped to [0, 1]. Subtracting the half-season correlation keeps
   * trends and slow drifts (which correlate at every lag) from passing for a season; a real season
   * anti-correlates at half its length.
   */
  strength: number;
  detected: boolean;
}

/**
 * Strength of a season of `lag` steps in `values` (oldest first); undefined when fewer than
 * `minSeasons` seasons of data are present.
 */
export function seasonality(values: ReadonlyArray<number | undefined>, lag: number, options: SeasonalityOptions = DEFAULT_SEASONALITY): Seasonality | undefined {
  let first = values.findIndex((v) => v !== undefined && Number.isFinite(v));
  if (first < 0) first = values.length;
  let last = values.length - 1;
  while (last >= first && (values[last] === undefined || !Number.isFinite(values[last]!))) last--;
  if (last - first + 1 < options.minSeasons * lag) return undefined;
  const span = values.slice(first, last + 1);
  const full = autocorrelation(span, lag);
  if (Number.isNaN(full)) return { lag, strength: 0, detected: false };
  const half = autocorrelation(span, Math.max(1, Math.round(lag / 2)));
  const strength = Math.min(1, Math.max(0, full - Math.max(0, Number.isNaN(half) ? 0 : half)));
  return { lag, strength, detected: strength >= options.threshold };
}
