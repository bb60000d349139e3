// Every duration is kept as an OpenTelemetry exponential histogram (base-2 buckets, ≤ 160 per sign): the
// pipeline's quantiles, baselines and regression tests need its bounded relative error, which explicit
// buckets cannot give. Classic Prometheus buckets (0.005 … 10 s, including 0.05, 0.2, 0.5, 1, 2, 5, 10) are
// derived from it by iora's prometheus exporter, so each request is recorded once, into one aggregation.

import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';

export const AGENT_METER = 'iora';

/**
 * Duration instruments recorded by iora or by the OpenTelemetry instrumentations it runs (the server request
 * duration is aggregated outside the SDK, with the same exponential aggregation: http/request-histogram.ts).
 */
export const DURATION_INSTRUMENTS = [
  'http.client.request.duration',
  'db.client.operation.duration',
  'db.client.connection.wait_time',
  'v8js.gc.duration',
  'iora.block.processing.duration',
] as const;

/** Buckets per sign of every exponential histogram (the SDK's default). */
export const EXPONENTIAL_MAX_SIZE = 160;
const exponential = { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: EXPONENTIAL_MAX_SIZE } } as const;

/** pg's own duration histogram (no query class) is not recorded at all: see withoutOwnMetrics in db/pg-pool.ts. */
export function agentViews(): ViewOptions[] {
  return DURATION_INSTRUMENTS.map((instrumentName): ViewOptions => ({ instrumentName, aggregation: exponential }));
}
