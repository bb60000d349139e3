// Caps on the number of series a stateful component keeps: per metric and in total. Components ask
// before creating state for a new series; refused series are counted and reported once per metric,
// so memory stays bounded whatever cardinality arrives.

export interface SeriesLimits {
  /** Series kept across all metrics. */
  maxSeries: number;
  /** Series kept for any one metric. */
  maxSeriesPerMetric: number;
}

export const DEFAULT_SERIES_LIMITS: SeriesLimits = { maxSeries: 100_000, maxSeriesPerMetric: 10_000 };

/** Told the first time a metric loses a series to a cap (log it once), and on every refusal (count it). */
export interface SeriesDropListener {
  firstDrop?(metric: string, reason: 'max_series' | 'max_series_per_metric'): void;
  dropped?(metric: string, reason: 'max_series' | 'max_series_per_metric'): void;
}

export class SeriesLimiter {
  private readonly perMetric = new Map<string, number>();
  private readonly reported = new Set<string>();
  private total = 0;
  private droppedCount = 0;

  constructor(
    private readonly limits: SeriesLimits = DEFAULT_SERIES_LIMITS,
    private readonly listener: SeriesDropListener = {},
  ) {}

  /**
   * Call once for a series the caller does not track yet. True: the caller may create state for it (and
   * must call `release` when it forgets it). False: over a cap; the refusal is counted.
   */
  admit(metric: string): boolean {
    const count = this.perMetric.get(metric) ?? 0;
    const reason =
      this.total >= this.limits.maxSeries ? 'max_series' : count >= this.limits.maxSeriesPerMetric ? 'max_series_per_metric' : undefined;
    if (reason) {
      this.droppedCount++;
      this.listener.dropped?.(metric, reason);
      // Bounded: one entry per metric name that hit a cap, and metric names are themselves few.
      if (!this.reported.has(metric) && this.reported.size < this.limits.maxSeries) {
        this.reported.add(metric);
        this.listener.firstDrop?.(metric, reason);
      }
      return false;
    }
    this.perMetric.set(metric, count + 1);
    this.total++;
    return true;
  }

  /** The caller forgot a series it had admitted (stale, expired). */
  release(metric: string): void {
    const count = this.perMetric.get(metric);
    if (count === undefined) return;
    if (count <= 1) this.perMetric.delete(metric);
    else this.perMetric.set(metric, count - 1);
    this.total--;
  }

  get size(): number {
    return this.total;
  }

  /** Series refused since creation. */
  get dropped(): number {
    return this.droppedCount;
  }
}

/** Checks `max_series` / `max_series_per_metric` config values; for components that expose them. */
export function checkSeriesLimits(config: { max_series: number; max_series_per_metric: number }): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const key of ['max_series', 'max_series_per_metric'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) issues.push({ path: key, message: 'must be a whole number of at least 1' });
  }
  return issues;
}
