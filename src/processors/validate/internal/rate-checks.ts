// Checks judged on counter increments over the window: throughput floors and the peak ceiling, the
// cache hit ratio floor, and disk IOPS ceilings. Which metric feeds which check is the naming table of
// DESIGN.md.

import { sanitizeLabelName } from '../../../pipeline/prometheus-names.js';
import type { Attributes } from '../../../pipeline/model.js';
import type { ValidateConfig } from '../config.js';
import type { Judgement } from './judgement.js';
import type { WindowTotals } from './windowed-counters.js';

/** What a window of counter increments is about. */
export interface RateGroupMeta {
  resource: Attributes;
  labels: Record<string, string>;
  feed: RateFeed;
}

type Totals = WindowTotals<RateGroupMeta>;

export type RateGroup = 'api' | 'records' | 'analyses' | 'transactions' | 'cache' | 'disk_ops' | 'bulk_rows';

export interface RateFeed {
  group: RateGroup;
  /** Prometheus name of the source, for the `metric` label. */
  metricLabel: string;
  /** Which part of the group a point adds to; undefined skips the point. */
  part(attributes: Attributes): string | undefined;
  /** Labels telling groups of one resource apart (beyond the resource). */
  labels(attributes: Attributes): Record<string, string>;
}

const NONE = (): Record<string, string> => ({});
const WHOLE = (): string => '';

function labelsExcept(attributes: Attributes, drop: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (!drop.has(k)) out[sanitizeLabelName(k)] = String(v);
  return out;
}

const CACHE_NON_IDENTITY = new Set(['iora.cache.result', 'iora_operation_class']);
const DISK_NON_IDENTITY = new Set(['disk.io.direction']);

/** The table of a DB series, labelled as `baseline` labels its bulk insert series. */
function tableLabels(a: Attributes): Record<string, string> {
  return { db_system_name: String(a['db.system.name'] ?? a['db.system'] ?? ''), db_collection_name: String(a['db.collection.name'] ?? '') };
}

/** Source metric (OTel name) → the check it feeds. Histograms feed their count, sums their value. */
export const RATE_FEEDS: ReadonlyMap<string, RateFeed> = new Map<string, RateFeed>([
  ['http.server.request.duration', { group: 'api', metricLabel: 'http_server_request_duration_seconds', part: WHOLE, labels: NONE }],
  ['iora.records.processed', { group: 'records', metricLabel: 'iora_records_processed_total', part: WHOLE, labels: NONE }],
  ['iora.analyses.completed', { group: 'analyses', metricLabel: 'iora_analyses_completed_total', part: WHOLE, labels: NONE }],
  ['iora.transactions.committed', { group: 'transactions', metricLabel: 'iora_transactions_committed_total', part: WHOLE, labels: NONE }],
  [
    'iora.cache.requests',
    {
      group: 'cache',
      metricLabel: 'iora_cache_requests_total',
      part: (a) => (a['iora.cache.result'] === 'hit' ? 'hit' : a['iora.cache.result'] === 'miss' ? 'miss' : undefined),
      labels: (a) => labelsExcept(a, CACHE_NON_IDENTITY),
    },
  ],
  // Bulk inserts and the rows they wrote, per table: the records per operation of per-records targets.
  [
    'db.client.operation.duration',
    {
      group: 'bulk_rows',
      metricLabel: 'db_client_operation_duration_seconds',
      part: (a) => (a['iora.db.query_class'] === 'bulk_insert' ? 'operations' : undefined),
      labels: tableLabels,
    },
  ],
  ['iora.db.rows_inserted', { group: 'bulk_rows', metricLabel: 'iora_db_rows_inserted_total', part: () => 'records', labels: tableLabels }],
  // The device's completed reads/writes (/proc/diskstats), not the process's read/write system calls,
  // which count sockets and pipes too.
  [
    'system.disk.operations',
    {
      group: 'disk_ops',
      metricLabel: 'system_disk_operations_total',
      part: (a) => (a['disk.io.direction'] === 'read' || a['disk.io.direction'] === 'write' ? String(a['disk.io.direction']) : undefined),
      labels: (a) => labelsExcept(a, DISK_NON_IDENTITY),
    },
  ],
]);

const fmt = (v: number, digits = 1): string => v.toFixed(digits);

function throughputFloor(t: Totals, target: string, observed: number, floor: number, what: string): Judgement {
  return {
    resource: t.meta.resource,
    labels: { ...t.meta.labels, metric: t.meta.feed.metricLabel, target },
    kind: 'business',
    direction: 'floor',
    observed,
    threshold: floor,
    findingKind: 'target_breach',
    severity: 'medium',
    message: () => `Throughput ${fmt(observed)} ${what} over the last ${fmt(t.seconds, 0)} s is below the ${target} floor of ${floor} ${what}`,
    values: { target: floor, window_seconds: t.seconds },
  };
}

/** Judgements for one completed window of `group`. */
export function judgeRates(t: Totals, config: ValidateConfig): Judgement[] {
  const { resource, labels, feed } = t.meta;
  const metric = feed.metricLabel;
  const total = [...t.parts.values()].reduce((a, b) => a + b, 0);
  const perSecond = total / t.seconds;
  const { throughput: tp, resources: rs } = config;
  const out: Judgement[] = [];
  switch (feed.group) {
    case 'api':
      if (tp.api_rps_sustained > 0) out.push(throughputFloor(t, 'api_rps_sustained', perSecond, tp.api_rps_sustained, 'requests/s'));
      if (tp.api_rps_peak > 0) {
        out.push({
          resource,
          labels: { ...labels, metric, target: 'api_rps_peak' },
          kind: 'technical',
          direction: 'ceiling',
          observed: perSecond,
          threshold: tp.api_rps_peak,
          findingKind: 'resource_limit',
          severity: 'high',
          message: () => `Throughput ${fmt(perSecond)} requests/s over the last ${fmt(t.seconds, 0)} s exceeds the ${tp.api_rps_peak} requests/s peak the service is sized for`,
          values: { target: tp.api_rps_peak, window_seconds: t.seconds },
        });
      }
      break;
    case 'records':
      if (tp.records_per_second > 0) out.push(throughputFloor(t, 'records_per_second', perSecond, tp.records_per_second, 'records/s'));
      break;
    case 'analyses':
      if (tp.analysis_operations_per_minute > 0) {
        out.push(throughputFloor(t, 'analysis_operations_per_minute', perSecond * 60, tp.analysis_operations_per_minute, 'analyses/min'));
      }
      break;
    case 'transactions':
      if (tp.transactions_per_second > 0) out.push(throughputFloor(t, 'transactions_per_second', perSecond, tp.transactions_per_second, 'transactions/s'));
      break;
    case 'cache': {
      const hits = t.parts.get('hit') ?? 0;
      if (config.cache.hit_ratio > 0 && total >= config.cache.min_requests) {
        const ratio = hits / total;
        out.push({
          resource,
          labels: { ...labels, metric, target: 'cache_hit_ratio' },
          kind: 'business',
          direction: 'floor',
          observed: ratio,
          threshold: config.cache.hit_ratio,
          findingKind: 'target_breach',
          severity: 'medium',
          message: () => `Cache hit ratio ${fmt(ratio * 100)}% (${hits} of ${total} lookups) is below the ${fmt(config.cache.hit_ratio * 100)}% floor`,
          values: { target: config.cache.hit_ratio, window_seconds: t.seconds, requests: total },
        });
      }
      break;
    }
    case 'bulk_rows':
      // Not a check of its own: it scales per-records latency targets (see latency-targets.ts).
      break;
    case 'disk_ops':
      for (const [direction, limit] of [['read', rs.read_iops], ['write', rs.write_iops]] as const) {
        if (limit <= 0) continue;
        const iops = (t.parts.get(direction) ?? 0) / t.seconds;
        out.push({
          resource,
          labels: { ...labels, metric, target: `${direction}_iops` },
          kind: 'technical',
          direction: 'ceiling',
          observed: iops,
          threshold: limit,
          findingKind: 'resource_limit',
          severity: 'high',
          message: () => `${direction === 'read' ? 'Read' : 'Write'} IOPS ${fmt(iops)} over the last ${fmt(t.seconds, 0)} s exceed the limit of ${limit}`,
          values: { target: limit, window_seconds: t.seconds },
        });
      }
      break;
  }
  return out;
}
