// What one run of a scenario measured, reduced from raw per-response latencies to the numbers that
// are compared and stored: each with a 95% interval from that run alone, so a single run still says
// how precise it is.

import { sortedQuantile } from '../stats/descriptive.js';
import { normalQuantile, quantileRankInterval } from '../stats/rank-interval.js';
import type { AgentDelta } from './agent-metrics.js';

export const METRICS = ['latency_p50', 'latency_p95', 'latency_p99', 'throughput', 'error_ratio'] as const;
export type MetricName = (typeof METRICS)[number];

export const METRIC_UNITS: Readonly<Record<MetricName, string>> = {
  latency_p50: 'ms',
  latency_p95: 'ms',
  latency_p99: 'ms',
  throughput: 'req/s',
  error_ratio: 'ratio',
};

const LATENCY_QUANTILES: ReadonlyArray<[MetricName, number]> = [
  ['latency_p50', 0.5],
  ['latency_p95', 0.95],
  ['latency_p99', 0.99],
];

/** Confidence of the within-run intervals, and its two-sided z (1.96). */
export const RUN_INTERVAL_CONFIDENCE = 0.95;
export const RUN_INTERVAL_Z = normalQuantile(1 - (1 - RUN_INTERVAL_CONFIDENCE) / 2);

/** A value with its 95% interval; NaN everywhere when there was nothing to measure. */
export interface Estimate {
  value: number;
  lower: number;
  upper: number;
}

export interface RunMeasurement {
  startedAt: string;
  durationS: number;
  /** Responses with status < 400. */
  ok: number;
  /** Responses with status ≥ 400 plus connection errors and timeouts. */
  errors: number;
  metrics: Record<MetricName, Estimate>;
  agent?: AgentDelta;
}

/** Raw outcome of one load run. */
export interface LoadSample {
  startedAt: Date;
  durationS: number;
  /** Latencies of successful responses, milliseconds, any order. */
  latencies: number[];
  errors: number;
}

const NO_DATA: Estimate = { value: NaN, lower: NaN, upper: NaN };

function quantileEstimate(sorted: readonly number[], q: number): Estimate {
  const ranks = quantileRankInterval(sorted.length, q, RUN_INTERVAL_CONFIDENCE);
  if (!ranks) return NO_DATA;
  return { value: sortedQuantile(sorted, q), lower: sorted[ranks.lower]!, upper: sorted[ranks.upper]! };
}

/** Wilson score interval: stays inside [0, 1] and is sensible at 0 errors, unlike the normal one. */
function proportionEstimate(hits: number, total: number): Estimate {
  if (total === 0) return NO_DATA;
  const p = hits / total;
  const z2 = RUN_INTERVAL_Z * RUN_INTERVAL_Z;
  const center = (p + z2 / (2 * total)) / (1 + z2 / total);
  const half = (RUN_INTERVAL_Z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / (1 + z2 / total);
  return { value: p, lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

/** Completions as a Poisson count: ±z·√n over the elapsed time. */
function rateEstimate(count: number, seconds: number): Estimate {
  if (seconds <= 0) return NO_DATA;
  const half = RUN_INTERVAL_Z * Math.sqrt(count);
  return { value: count / seconds, lower: Math.max(0, count - half) / seconds, upper: (count + half) / seconds };
}

export function summarize(sample: LoadSample): RunMeasurement {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  const ok = sorted.length;
  const metrics = {
    throughput: rateEstimate(ok, sample.durationS),
    error_ratio: proportionEstimate(sample.errors, ok + sample.errors),
  } as Record<MetricName, Estimate>;
  for (const [name, q] of LATENCY_QUANTILES) metrics[name] = quantileEstimate(sorted, q);
  return { startedAt: sample.startedAt.toISOString(), durationS: sample.durationS, ok, errors: sample.errors, metrics };
}
