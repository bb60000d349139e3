// What one benchmark scenario is, once its YAML has been validated and merged over the defaults.

export const OPERATION_CLASSES = ['simple_query', 'complex_analysis', 'bulk_operation'] as const;
export type OperationClass = (typeof OPERATION_CLASSES)[number];

/** Bounds a scenario must stay within. Latencies in milliseconds, error rate a ratio, throughput req/s. */
export interface Targets {
  p50?: number;
  p95?: number;
  p99?: number;
  errorRate?: number;
  /** Minimum successful responses per second. */
  throughput?: number;
}

export interface BenchRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Scenario {
  name: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** A sequence each connection cycles through (autocannon `requests`); paths are relative to `url`. */
  requests?: BenchRequest[];
  connections: number;
  /** Overall requests per second; closed loop (as fast as responses come back) when absent. */
  rate?: number;
  /** Exactly one of durationMs / amount is set. */
  durationMs?: number;
  amount?: number;
  warmupMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  setup?: string;
  cleanup?: string;
  operationClass?: OperationClass;
  /** Targets as written in the file (merged over the operation class's profile targets later). */
  targets: Targets;
  /** The agent's Prometheus endpoint, scraped before and after each run. */
  metricsUrl?: string;
}

/**
 * Every key a scenario (or the file's `defaults:`) may set, with its default. Keys absent here are
 * rejected. `duration` applies only when `amount` is not set.
 */
export const SCENARIO_DEFAULTS = {
  name: '',
  url: '',
  method: 'GET',
  headers: {} as Record<string, string>,
  body: undefined as unknown,
  requests: undefined as unknown,
  connections: 10,
  rate: undefined as unknown,
  duration: '10s',
  amount: undefined as unknown,
  warmup: '0s',
  timeout: '10s',
  setup: undefined as unknown,
  cleanup: undefined as unknown,
  operation_class: undefined as unknown,
  targets: undefined as unknown,
  metrics_url: undefined as unknown,
};

export const SCENARIO_KEYS = Object.keys(SCENARIO_DEFAULTS);
export const TARGET_KEYS = ['p50', 'p95', 'p99', 'error_rate', 'throughput'] as const;
export const REQUEST_KEYS = ['method', 'path', 'headers', 'body'] as const;
