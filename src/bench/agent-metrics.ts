// When the target runs under the iora agent, its /metrics is scraped before and after each run: the
// differences say what the load cost inside the app (database time per operation, CPU, memory).

import { prometheusMetricName } from '../pipeline/prometheus-names.js';
import { parsePrometheusText, type PromSample } from './prometheus-text.js';

const DB_DURATION = prometheusMetricName({ name: 'db.client.operation.duration', unit: 's', kind: 'histogram' });
const CPU_UTILIZATION = prometheusMetricName({ name: 'process.cpu.utilization', unit: '1', kind: 'gauge' });
const MEMORY_RSS = prometheusMetricName({ name: 'process.memory.usage', unit: 'By', kind: 'gauge' });
const HEAP_USED = prometheusMetricName({ name: 'v8js.memory.heap.used', unit: 'By', kind: 'gauge' });

/** Labels that identify the scraped process or a bucket, not a database operation. */
const NON_OPERATION_LABELS = new Set(['le', 'service', 'service_name', 'instance', 'job', 'service_instance_id']);

export interface AgentSnapshot {
  /** Per database operation (label set rendered as text): cumulative count and seconds. */
  db: Map<string, { count: number; sumSeconds: number }>;
  cpuUtilization?: number;
  rssBytes?: number;
  heapUsedBytes?: number;
}

export interface DbOperationDelta {
  operation: string;
  count: number;
  meanMs: number;
}

export interface AgentDelta {
  db: DbOperationDelta[];
  /** The agent's CPU utilization gauge at the end of the run (fraction of all CPUs, 0–1). */
  cpuUtilization?: number;
  rssBytes?: number;
  rssDeltaBytes?: number;
  heapUsedDeltaBytes?: number;
}

function operationKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => !NON_OPERATION_LABELS.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function sumOf(samples: readonly PromSample[], name: string): number | undefined {
  const matching = samples.filter((s) => s.name === name);
  return matching.length === 0 ? undefined : matching.reduce((acc, s) => acc + s.value, 0);
}

export function snapshotFromText(text: string): AgentSnapshot {
  const samples = parsePrometheusText(text);
  const db = new Map<string, { count: number; sumSeconds: number }>();
  for (const s of samples) {
    const isSum = s.name === `${DB_DURATION}_sum`;
    if (!isSum && s.name !== `${DB_DURATION}_count`) continue;
    const key = operationKey(s.labels);
    const entry = db.get(key) ?? { count: 0, sumSeconds: 0 };
    if (isSum) entry.sumSeconds += s.value;
    else entry.count += s.value;
    db.set(key, entry);
  }
  const snapshot: AgentSnapshot = { db };
  const cpu = sumOf(samples, CPU_UTILIZATION);
  const rss = sumOf(samples, MEMORY_RSS);
  const heap = sumOf(samples, HEAP_USED);
  if (cpu !== undefined) snapshot.cpuUtilization = cpu;
  if (rss !== undefined) snapshot.rssBytes = rss;
  if (heap !== undefined) snapshot.heapUsedBytes = heap;
  return snapshot;
}

export function agentDelta(before: AgentSnapshot, after: AgentSnapshot): AgentDelta {
  const db: DbOperationDelta[] = [];
  for (const [operation, end] of after.db) {
    const start = before.db.get(operation) ?? { count: 0, sumSeconds: 0 };
    const count = end.count - start.count;
    if (count > 0) db.push({ operation, count, meanMs: ((end.sumSeconds - start.sumSeconds) / count) * 1000 });
  }
  const delta: AgentDelta = { db };
  if (after.cpuUtilization !== undefined) delta.cpuUtilization = after.cpuUtilization;
  if (after.rssBytes !== undefined) delta.rssBytes = after.rssBytes;
  if (after.rssBytes !== undefined && before.rssBytes !== undefined) delta.rssDeltaBytes = after.rssBytes - before.rssBytes;
  if (after.heapUsedBytes !== undefined && before.heapUsedBytes !== undefined) delta.heapUsedDeltaBytes = after.heapUsedBytes - before.heapUsedBytes;
  return delta;
}

/** Scrapes `url`; throws with the reason when it cannot. */
export async function scrapeAgent(url: string, timeoutMs = 5_000): Promise<AgentSnapshot> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED …) is its cause.
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return snapshotFromText(await response.text());
}

/** Several runs' deltas as one: operations and memory growth add up, CPU and RSS are averaged. */
export function combineAgentDeltas(deltas: readonly AgentDelta[]): AgentDelta | undefined {
  if (deltas.length === 0) return undefined;
  const db = new Map<string, { count: number; totalMs: number }>();
  for (const d of deltas) {
    for (const op of d.db) {
      const entry = db.get(op.operation) ?? { count: 0, totalMs: 0 };
      entry.count += op.count;
      entry.totalMs += op.meanMs * op.count;
      db.set(op.operation, entry);
    }
  }
  const average = (pick: (d: AgentDelta) => number | undefined): number | undefined => {
    const values = deltas.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
  };
  const total = (pick: (d: AgentDelta) => number | undefined): number | undefined => {
    const values = deltas.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
  };
  const combined: AgentDelta = {
    db: [...db].map(([operation, e]) => ({ operation, count: e.count, meanMs: e.totalMs / e.count })),
  };
  const cpu = average((d) => d.cpuUtilization);
  const rss = average((d) => d.rssBytes);
  const rssDelta = total((d) => d.rssDeltaBytes);
  const heapDelta = total((d) => d.heapUsedDeltaBytes);
  if (cpu !== undefined) combined.cpuUtilization = cpu;
  if (rss !== undefined) combined.rssBytes = rss;
  if (rssDelta !== undefined) combined.rssDeltaBytes = rssDelta;
  if (heapDelta !== undefined) combined.heapUsedDeltaBytes = heapDelta;
  return combined;
}
