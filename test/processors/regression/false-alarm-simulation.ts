// False-alarm simulation: many routes with stationary synthetic traffic (log-normal latencies of
// various medians and spreads, Poisson request counts, a constant error probability) over many
// simulated days, through the real regression and alert processors. Nothing changes, so every alert
// is a false alarm. The window quantiles are exact sample quantiles of each window's requests — drawn
// directly as the order statistics they interpolate (uniform order statistics are Beta-distributed,
// and each given the previous one is too), so a window costs the same at any traffic; the baseline is
// what a learned baseline publishes: exact quantiles of a large sample of the same distribution with
// their rank confidence bounds (src/stats quantileRankInterval), so both sides carry real sampling
// error.

import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import type { Consumer } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { alertFactory } from '../../../src/processors/alert/factory.js';
import { createDefaultConfig as regressionDefaults, type RegressionConfig } from '../../../src/processors/regression/config.js';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { normalQuantile, quantileRankInterval, sortedQuantile } from '../../../src/stats/index.js';
import { batchOf, type SeriesInput } from './derived-batch.js';
import { seededRandom } from '../../stats/random.js';

export interface SimulationOptions {
  series: number;
  days: number;
  /** Window length and evaluation interval. */
  windowMinutes: number;
  seed: number;
  /** Overrides of the regression defaults (e.g. signals). */
  regression?: Partial<RegressionConfig>;
}

export interface SimulationResult {
  seriesDays: number;
  windows: number;
  /** Firing alerts raised (each a false alarm). */
  alerts: number;
  /** Windows whose degradation was significant at any severity (including low, which never alerts). */
  significantWindows: number;
  byAlertname: Record<string, number>;
}

/** The seeded generator the statistics tests use: reproducible runs. */
export const prng = seededRandom;

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function poisson(mean: number, random: () => number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  // Knuth: multiply uniforms until below e^-mean (small means: error counts).
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

/** Marsaglia–Tsang gamma variate (shape ≥ 1; below 1 by the a+1 boost). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(a: number, b: number, random: () => number): number {
  const x = gamma(a, random);
  return x / (x + gamma(b, random));
}

/** The window's sample quantiles (type 7, as sortedQuantile) of `n` draws, from the order statistics they use. */
export function windowQuantiles(route: Route, n: number, quantiles: readonly number[], random: () => number): number[] {
  const ranks = [...new Set(quantiles.flatMap((q) => [Math.floor(q * (n - 1)), Math.ceil(q * (n - 1))]))].sort((a, b) => a - b);
  const values = new Map<number, number>();
  let previousRank = -1;
  let u = 0;
  for (const rank of ranks) {
    // U(k) given U(j), j < k: U(j) + (1 − U(j))·Beta(k − j, n − k + 1), ranks 1-based.
    u += (1 - u) * beta(rank - previousRank, n - rank, random);
    previousRank = rank;
    values.set(rank, route.median * Math.exp(route.sigma * normalQuantile(u)));
  }
  return quantiles.map((q) => {
    const r = q * (n - 1);
    const lo = values.get(Math.floor(r))!;
    return lo + (values.get(Math.ceil(r))! - lo) * (r - Math.floor(r));
  });
}

export interface Route {
  name: string;
  median: number;
  sigma: number;
  ratePerSecond: number;
  errorProbability: number;
  baseline: Record<string, number>;
}

export function sortedSample(route: Route, n: number, random: () => number): number[] {
  return Array.from({ length: n }, () => route.median * Math.exp(route.sigma * normal(random))).sort((a, b) => a - b);
}

const BASELINE_SAMPLES = 20_000;

function makeRoute(i: number, random: () => number, confidence: number, q: number): Route {
  const route: Route = {
    name: `/r${i}`,
    median: 0.02 + random() * 0.3,
    sigma: 0.3 + random() * 0.5,
    ratePerSecond: 1 + random() * 4,
    errorProbability: 0.002 + random() * 0.01,
    baseline: {},
  };
  const learned = sortedSample(route, BASELINE_SAMPLES, random);
  const ranks = quantileRankInterval(BASELINE_SAMPLES, q, confidence)!;
  route.baseline = {
    p95: sortedQuantile(learned, q),
    lower: learned[ranks.lower]!,
    upper: learned[ranks.upper]!,
    ready: 1,
    q,
  };
  return route;
}

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const random = prng(options.seed);
  const regression = { ...regressionDefaults(), ...options.regression };
  const routes = Array.from({ length: options.series }, (_, i) => makeRoute(i, random, regression.confidence_level, regression.quantile));
  const windowMs = options.windowMinutes * 60_000;
  let nowMs = Date.parse('2026-01-05T00:00:00Z');
  const clock = { now: () => nowMs };
  const settings = (type: string) => ({
    id: type, type, logger: pino({ level: 'silent' }), clock, meter: createNoopMeter(), host: { quarantine: new BoundedQuarantine() },
  });
  const result: SimulationResult = { seriesDays: options.series * options.days, windows: 0, alerts: 0, significantWindows: 0, byAlertname: {} };
  const sink: Consumer = {
    consume: async (batch: MetricBatch) => {
      for (const alert of batch.alerts ?? []) {
        if (alert.status !== 'firing') continue;
        result.alerts++;
        const name = alert.labels.alertname ?? '?';
        result.byAlertname[name] = (result.byAlertname[name] ?? 0) + 1;
      }
      for (const rm of batch.resourceMetrics) {
        for (const sm of rm.scopes) {
          for (const m of sm.metrics) {
            if (m.name === 'iora_regression_severity' && m.kind === 'gauge') result.significantWindows += m.points.filter((p) => p.value > 0).length;
          }
        }
      }
    },
  };
  const alert = alertFactory.create(settings('alert'), alertFactory.createDefaultConfig(), sink);
  const processor = regressionFactory.create(settings('regression'), regression, alert);
  await alert.start();
  await processor.start();
  const steps = Math.floor((options.days * 86_400_000) / windowMs);
  for (let step = 0; step < steps; step++) {
    nowMs += windowMs;
    const series: SeriesInput[] = routes.map((route) => {
      const count = poisson(route.ratePerSecond * (windowMs / 1000), random);
      const errors = poisson(count * route.errorProbability, random);
      const [p50, p95, p99] = count > 1 ? windowQuantiles(route, count, [0.5, 0.95, 0.99], random) : [];
      return {
        source: { name: 'http.server.request.duration', unit: 's', attributes: { 'http.route': route.name } },
        window: { count, rate: count / (windowMs / 1000), ...(count > 1 ? { p50, p95, p99, error_ratio: Math.min(1, errors / count) } : {}) },
        baseline: route.baseline,
      };
    });
    result.windows += routes.length;
    await processor.consume(batchOf(series, nowMs));
  }
  await processor.shutdown();
  await alert.shutdown();
  return result;
}
