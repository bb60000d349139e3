// validate's config: the spec's targets and limits (every number in pipelines/iora.yaml). A limit of 0
// turns its check off.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration, parseDuration } from '../../pipeline/duration.js';

/** Latency targets of one operation class (a class `classify` assigns). */
export interface LatencyTarget {
  /** Business target for the baseline p95, judged with the safety margin. */
  p95?: string;
  /** Technical limit for the baseline p99, judged as is. */
  p99?: string;
  /** This class's own safety margin (the spec's `safety_margins` map); the global one otherwise. */
  safety_margin?: number;
  /**
   * The targets are per this many records (the spec's bulk insert: 1 s per 1000 records): scaled by the
   * records an operation wrote on average in the window (`iora.db.rows_inserted` ÷ bulk inserts).
   */
  per_records?: number;
}

export interface ValidateConfig {
  /** Business targets are breached above target × safety_margin (the spec's default 1.1). */
  safety_margin: number;
  /** Per operation class; keys are class names. */
  targets: Record<string, LatencyTarget>;
  /** Ceiling on `iora_error_ratio` (failed / all requests in the window). */
  error_rate: number;
  cache: {
    /** Floor on hits / (hits + misses) over the window. */
    hit_ratio: number;
    /** Fewer lookups than this in a window say nothing about the ratio. */
    min_requests: number;
  };
  throughput: {
    /** Floor on requests per second a service sustains (while it is being measured). */
    api_rps_sustained: number;
    /** Ceiling: traffic above the peak the service is sized for. */
    api_rps_peak: number;
    records_per_second: number;
    analysis_operations_per_minute: number;
    transactions_per_second: number;
  };
  resources: {
    resident_memory_mb: number;
    virtual_memory_mb: number;
    average_cpu_percent: number;
    peak_cpu_percent: number;
    read_iops: number;
    write_iops: number;
    disk_usage_gb: number;
    /** Open connections (all states) per pool. */
    max_connections: number;
  };
  /** Rates, ratios and the CPU average are judged over this window. */
  window: string;
  /** Bound on counter series tracked for rates; more are dropped and counted. */
  max_series: number;
}

export function createDefaultConfig(): ValidateConfig {
  return {
    safety_margin: 1.1,
    targets: {},
    error_rate: 0.001,
    cache: { hit_ratio: 0.85, min_requests: 100 },
    throughput: {
      api_rps_sustained: 0,
      api_rps_peak: 0,
      records_per_second: 0,
      analysis_operations_per_minute: 0,
      transactions_per_second: 0,
    },
    resources: {
      resident_memory_mb: 0,
      virtual_memory_mb: 0,
      average_cpu_percent: 0,
      peak_cpu_percent: 0,
      read_iops: 0,
      write_iops: 0,
      disk_usage_gb: 0,
      max_connections: 0,
    },
    window: '1m',
    max_series: 10_000,
  };
}

function checkNonNegative(value: unknown, path: string, issues: ConfigIssue[]): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) issues.push({ path, message: 'must be a number ≥ 0 (0 turns the check off)' });
}

function checkRatio(value: unknown, path: string, issues: ConfigIssue[]): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) issues.push({ path, message: 'must be a ratio between 0 and 1 (0 turns the check off)' });
}

function checkMargin(value: unknown, path: string, issues: ConfigIssue[]): void {
  if (typeof value !== 'number' || !(value >= 1)) issues.push({ path, message: 'must be a number ≥ 1 (1 means no margin)' });
}

const TARGET_KEYS = new Set(['p95', 'p99', 'safety_margin', 'per_records']);

export function validate(config: ValidateConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkMargin(config.safety_margin, 'safety_margin', issues);
  for (const [name, target] of Object.entries(config.targets ?? {})) {
    const path = `targets::${name}`;
    if (target === null || typeof target !== 'object' || Array.isArray(target)) {
      issues.push({ path, message: 'must be a map with p95 and/or p99 durations' });
      continue;
    }
    for (const key of Object.keys(target)) {
      if (!TARGET_KEYS.has(key)) issues.push({ path: `${path}::${key}`, message: 'unknown key (use p95, p99, safety_margin, per_records)' });
    }
    if (target.p95 === undefined && target.p99 === undefined) issues.push({ path, message: 'needs p95 or p99' });
    for (const q of ['p95', 'p99'] as const) {
      if (target[q] === undefined) continue;
      const problem = checkDuration(target[q]);
      if (problem !== undefined) issues.push({ path: `${path}::${q}`, message: problem });
    }
    const p95 = typeof target.p95 === 'string' ? parseDuration(target.p95) : undefined;
    const p99 = typeof target.p99 === 'string' ? parseDuration(target.p99) : undefined;
    if (p95 !== undefined && p99 !== undefined && p99 < p95) issues.push({ path: `${path}::p99`, message: 'must be ≥ p95' });
    if (target.safety_margin !== undefined) checkMargin(target.safety_margin, `${path}::safety_margin`, issues);
    if (target.per_records !== undefined && (!Number.isInteger(target.per_records) || target.per_records < 1)) {
      issues.push({ path: `${path}::per_records`, message: 'must be a positive integer' });
    }
  }
  checkRatio(config.error_rate, 'error_rate', issues);
  checkRatio(config.cache?.hit_ratio, 'cache::hit_ratio', issues);
  if (!Number.isInteger(config.cache?.min_requests) || config.cache.min_requests < 1) {
    issues.push({ path: 'cache::min_requests', message: 'must be a positive integer' });
  }
  for (const [key, value] of Object.entries(config.throughput ?? {})) checkNonNegative(value, `throughput::${key}`, issues);
  const { api_rps_sustained: sustained, api_rps_peak: peak } = config.throughput ?? {};
  if (typeof sustained === 'number' && typeof peak === 'number' && peak > 0 && sustained > peak) {
    issues.push({ path: 'throughput::api_rps_peak', message: 'must be ≥ api_rps_sustained' });
  }
  for (const [key, value] of Object.entries(config.resources ?? {})) checkNonNegative(value, `resources::${key}`, issues);
  for (const key of ['average_cpu_percent', 'peak_cpu_percent'] as const) {
    const v = config.resources?.[key];
    if (typeof v === 'number' && v > 100) issues.push({ path: `resources::${key}`, message: 'must be at most 100' });
  }
  const window = checkDuration(config.window);
  if (window !== undefined) issues.push({ path: 'window', message: window });
  if (!Number.isInteger(config.max_series) || config.max_series < 1) issues.push({ path: 'max_series', message: 'must be a positive integer' });
  return issues;
}
