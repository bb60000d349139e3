// leak's config: the growth window, the spec's budget and alarm, and the heap snapshot policy.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration, parseDuration } from '../../pipeline/duration.js';
import { checkSize } from './internal/size.js';

export interface HeapSnapshotConfig {
  /** Off by default: a snapshot pauses the app while it is written. */
  enabled: boolean;
  directory: string;
  /** At most one snapshot per this interval. */
  min_interval: string;
  /** Total size of iora's snapshots in `directory`; the oldest are deleted to stay under it. */
  max_total_size: string;
  /** No snapshot of a heap larger than this (see internal/heap-snapshots.ts for why). */
  max_heap_size: string;
}

export interface LeakConfig {
  /** The slope is fitted over samples of this last stretch of time. */
  window: string;
  /** Samples must span at least this long before a slope is published (a few minutes say little). */
  min_span: string;
  min_samples: number;
  /** Bound per process and signal; beyond it every other sample is dropped (the span is kept). */
  max_samples: number;
  /** The spec's memory growth budget (10 MB/hour): a `medium` finding above it. */
  budget_mb_per_hour: number;
  /** The spec's leak alarm (1 MB/minute): a `high` finding above it. */
  alarm_mb_per_minute: number;
  /** Heap metrics in order of preference; the first one a process reports is used (after-GC first). */
  heap_metrics: string[];
  /** Bound on processes tracked (collector mode); more are dropped and counted. */
  max_processes: number;
  heap_snapshot: HeapSnapshotConfig;
}

export function createDefaultConfig(): LeakConfig {
  return {
    window: '1h',
    min_span: '15m',
    min_samples: 10,
    max_samples: 720,
    budget_mb_per_hour: 10,
    alarm_mb_per_minute: 1,
    heap_metrics: ['v8js.memory.heap.used_after_gc', 'v8js.memory.heap.used'],
    max_processes: 1000,
    heap_snapshot: {
      enabled: false,
      directory: './data/heap-snapshots',
      min_interval: '1h',
      max_total_size: '2GiB',
      max_heap_size: '512MiB',
    },
  };
}

function positiveInteger(value: unknown, path: string, issues: ConfigIssue[], min = 1): void {
  if (!Number.isInteger(value) || (value as number) < min) issues.push({ path, message: `must be an integer ≥ ${min}` });
}

export function validate(config: LeakConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ['window', 'min_span'] as const) {
    const problem = checkDuration(config[key]);
    if (problem !== undefined) issues.push({ path: key, message: problem });
  }
  const window = parseDuration(String(config.window));
  const span = parseDuration(String(config.min_span));
  if (window !== undefined && span !== undefined && span > window) issues.push({ path: 'min_span', message: 'must not exceed window' });
  positiveInteger(config.min_samples, 'min_samples', issues, 3);
  positiveInteger(config.max_samples, 'max_samples', issues, 3);
  if (Number.isInteger(config.min_samples) && Number.isInteger(config.max_samples) && config.max_samples < config.min_samples) {
    issues.push({ path: 'max_samples', message: 'must be ≥ min_samples' });
  }
  for (const key of ['budget_mb_per_hour', 'alarm_mb_per_minute'] as const) {
    if (typeof config[key] !== 'number' || !(config[key] > 0)) issues.push({ path: key, message: 'must be a number > 0' });
  }
  if (!Array.isArray(config.heap_metrics) || config.heap_metrics.some((m) => typeof m !== 'string' || m === '')) {
    issues.push({ path: 'heap_metrics', message: 'must be a list of metric names' });
  }
  positiveInteger(config.max_processes, 'max_processes', issues);
  const hs = config.heap_snapshot;
  if (typeof hs.directory !== 'string' || hs.directory.trim() === '') issues.push({ path: 'heap_snapshot::directory', message: 'must be a directory path' });
  const interval = checkDuration(hs.min_interval);
  if (interval !== undefined) issues.push({ path: 'heap_snapshot::min_interval', message: interval });
  for (const key of ['max_total_size', 'max_heap_size'] as const) {
    const problem = checkSize(hs[key]);
    if (problem !== undefined) issues.push({ path: `heap_snapshot::${key}`, message: problem });
  }
  return issues;
}
