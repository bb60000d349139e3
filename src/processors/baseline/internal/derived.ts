// Builds the derived gauge series (DESIGN.md's naming table) for one resource of the batch.

import type { GaugeMetric, NumberPoint } from '../../../pipeline/model.js';

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  iora_window_quantile: 'Quantile of the source series over the current evaluation window',
  iora_window_count: 'Samples of the source series in the current evaluation window',
  iora_window_rate: 'Samples per second of the source series over the current evaluation window',
  iora_error_ratio: 'Failed requests (error.type set or status >= 500) over all requests in the window',
  iora_baseline_quantile: 'Learned baseline quantile of the source series (seasonal when a pattern is detected)',
  iora_baseline_lower: 'Lower confidence bound of the baseline quantile (rank-based, distribution-free)',
  iora_baseline_upper: 'Upper confidence bound of the baseline quantile (rank-based, distribution-free)',
  iora_baseline_samples: 'Samples behind the baseline',
  iora_baseline_ready: '1 once the baseline has enough samples and coverage of its period to be used',
  iora_baseline_seasonality: 'Strength (0-1) of a daily or weekly pattern in the series',
};

export type DerivedName = keyof typeof DESCRIPTIONS;

/** Collects derived points by metric name, in first-use order. */
export class DerivedMetrics {
  private readonly byName = new Map<string, NumberPoint[]>();

  constructor(private readonly timeMs: number) {}

  add(name: DerivedName, labels: Readonly<Record<string, string>>, value: number): void {
    if (!Number.isFinite(value)) return;
    let points = this.byName.get(name);
    if (points === undefined) {
      points = [];
      this.byName.set(name, points);
    }
    points.push({ attributes: labels, startTimeMs: this.timeMs, timeMs: this.timeMs, value });
  }

  get empty(): boolean {
    return this.byName.size === 0;
  }

  metrics(): GaugeMetric[] {
    return [...this.byName].map(([name, points]) => ({ name, description: DESCRIPTIONS[name] ?? '', unit: '', kind: 'gauge', points }));
  }
}
