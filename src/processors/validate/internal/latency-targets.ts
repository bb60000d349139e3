// The spec's BenchmarkValidator: a class's baseline p95 against its business target × safety margin,
// its baseline p99 against its technical limit. Reads `iora_baseline_quantile` (published by `baseline`,
// labelled with the source's labels, `metric` and `quantile`) and skips baselines not ready yet.
// A target stated per N records (the spec's bulk insert: 1 s per 1000 records) is scaled by the records
// an operation of that table wrote on average in the last window.

import { parseDuration } from '../../../pipeline/duration.js';
import type { Attributes, GaugeMetric } from '../../../pipeline/model.js';
import { OPERATION_CLASS_ATTRIBUTE } from '../../classify/processor.js';
import type { ValidateConfig } from '../config.js';
import type { Judgement } from './judgement.js';


/** Milliseconds per unit of the source, from the `metric` label's unit suffix; undefined when unknown. */
function msPerUnit(metricLabel: string): { ms: number; symbol: string } | undefined {
  if (metricLabel.endsWith('_seconds')) return { ms: 1000, symbol: 's' };
  if (metricLabel.endsWith('_milliseconds')) return { ms: 1, symbol: 'ms' };
  return undefined;
}

interface ClassTarget {
  p95Ms?: number;
  p99Ms?: number;
  margin: number;
  perRecords?: number;
}

/** Labels `baseline` adds to a quantile but not to its series' `iora_baseline_ready`. */
const QUANTILE_ONLY_LABELS: ReadonlySet<string> = new Set(['quantile', 'seasonal', 'error']);

/** The series a baseline point belongs to, as `iora_baseline_ready` labels it. */
function readinessKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).filter(([k]) => !QUANTILE_ONLY_LABELS.has(k)).map(([k, v]) => [k, String(v)]).sort());
}

/** The table a DB series writes to, in the labels both the baseline and the rows counter carry. */
export function tableKey(resourceKey: string, labels: Readonly<Record<string, unknown>>): string {
  return `${resourceKey}\u0002${String(labels.db_system_name ?? '')}\u0002${String(labels.db_collection_name ?? '')}`;
}

interface Scale {
  /** Target in the source's unit, before the safety margin. */
  target: number;
  /** Words saying how the target was derived, for the message. */
  basis: string;
  values: Record<string, number>;
}

export class LatencyTargets {
  private readonly targets = new Map<string, ClassTarget>();
  private readonly recordsPerOperation = new Map<string, number>();

  constructor(
    config: ValidateConfig,
    private readonly maxTables: number,
    private readonly onUnknownUnit: (metric: string) => void,
  ) {
    for (const [name, t] of Object.entries(config.targets)) {
      this.targets.set(name, {
        p95Ms: t.p95 === undefined ? undefined : parseDuration(t.p95),
        p99Ms: t.p99 === undefined ? undefined : parseDuration(t.p99),
        margin: t.safety_margin ?? config.safety_margin,
        perRecords: t.per_records,
      });
    }
  }

  /** Records per bulk operation of one table over the last complete window. */
  setRecordsPerOperation(key: string, records: number): void {
    if (!this.recordsPerOperation.has(key) && this.recordsPerOperation.size >= this.maxTables) this.recordsPerOperation.clear();
    this.recordsPerOperation.set(key, records);
  }

  /** Judgements for the baseline quantiles of one resource's metrics. */
  judge(resourceKey: string, resource: Attributes, metrics: readonly GaugeMetric[]): Judgement[] {
    if (this.targets.size === 0) return [];
    const notReady = new Set<string>();
    for (const m of metrics) {
      if (m.name !== 'iora_baseline_ready') continue;
      for (const p of m.points) if (p.value === 0) notReady.add(readinessKey(p.attributes));
    }
    const out: Judgement[] = [];
    for (const m of metrics) {
      if (m.name !== 'iora_baseline_quantile') continue;
      for (const p of m.points) {
        const target = this.targets.get(String(p.attributes[OPERATION_CLASS_ATTRIBUTE]));
        if (target === undefined) continue;
        const quantile = String(p.attributes.quantile);
        const limitMs = quantile === '0.95' ? target.p95Ms : quantile === '0.99' ? target.p99Ms : undefined;
        if (limitMs === undefined || notReady.has(readinessKey(p.attributes))) continue;
        const metricLabel = String(p.attributes.metric ?? '');
        const unit = msPerUnit(metricLabel);
        if (unit === undefined) {
          this.onUnknownUnit(metricLabel);
          continue;
        }
        const scale = this.scale(limitMs / unit.ms, unit.symbol, target.perRecords, tableKey(resourceKey, p.attributes));
        if (scale === undefined) continue;
        const labels: Record<string, string> = { target: quantile === '0.95' ? 'p95' : 'p99' };
        for (const [k, v] of Object.entries(p.attributes)) labels[k] = String(v);
        out.push(quantile === '0.95' ? business(resource, labels, p.value, scale, target.margin, unit.symbol) : technical(resource, labels, p.value, scale, unit.symbol));
      }
    }
    return out;
  }

  /** The target for this series; undefined for a per-records target while the records per operation are unknown. */
  private scale(target: number, unit: string, perRecords: number | undefined, table: string): Scale | undefined {
    if (perRecords === undefined) return { target, basis: `${target.toFixed(2)} ${unit}`, values: { target } };
    const records = this.recordsPerOperation.get(table);
    if (records === undefined) return undefined;
    const scaled = (target * records) / perRecords;
    return {
      target: scaled,
      basis: `${target.toFixed(2)} ${unit} per ${perRecords} records at ${Math.round(records)} records per operation`,
      values: { target: scaled, records_per_operation: records },
    };
  }
}

function business(resource: Attributes, labels: Record<string, string>, value: number, scale: Scale, margin: number, unit: string): Judgement {
  const threshold = scale.target * margin;
  return {
    resource,
    labels,
    kind: 'business',
    direction: 'ceiling',
    observed: value,
    threshold,
    findingKind: 'target_breach',
    severity: 'medium',
    message: () => `P95 value ${value.toFixed(2)} ${unit} exceeds business target ${threshold.toFixed(2)} ${unit} (${scale.basis} × ${margin} safety margin)`,
    values: { ...scale.values, safety_margin: margin },
  };
}

function technical(resource: Attributes, labels: Record<string, string>, value: number, scale: Scale, unit: string): Judgement {
  return {
    resource,
    labels,
    kind: 'technical',
    direction: 'ceiling',
    observed: value,
    threshold: scale.target,
    findingKind: 'target_breach',
    severity: 'high',
    message: () => `P99 value ${value.toFixed(2)} ${unit} exceeds technical limit ${scale.target.toFixed(2)} ${unit}${scale.values.records_per_operation === undefined ? '' : ` (${scale.basis})`}`,
    values: scale.values,
  };
}
