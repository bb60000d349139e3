// The spec's BenchmarkValidator: a class's baseline p95 against its business target × safety margin,
// its baseline p99 against its technical limit. Reads `iora_baseline_quantile` (published by `baseline`,
// labelled with the source's labels, `metric` and `quantile`) and skips baselines not ready yet.

import { parseDuration } from '../../../pipeline/duration.js';
import type { Attributes, GaugeMetric } from '../../../pipeline/model.js';
import type { ValidateConfig } from '../config.js';
import type { Judgement } from './judgement.js';

const CLASS_LABEL = 'iora_operation_class';

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
}

function labelsWithout(attributes: Attributes, drop: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) if (k !== drop) out[k] = String(v);
  return out;
}

/** Labels `baseline` adds to a quantile but not to its series' `iora_baseline_ready`. */
const QUANTILE_ONLY_LABELS: ReadonlySet<string> = new Set(['quantile', 'seasonal', 'error']);

/** The series a baseline point belongs to, as `iora_baseline_ready` labels it. */
function readinessKey(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).filter(([k]) => !QUANTILE_ONLY_LABELS.has(k)).map(([k, v]) => [k, String(v)]).sort());
}

export class LatencyTargets {
  private readonly targets = new Map<string, ClassTarget>();

  constructor(config: ValidateConfig, private readonly onUnknownUnit: (metric: string) => void) {
    for (const [name, t] of Object.entries(config.targets)) {
      this.targets.set(name, {
        p95Ms: t.p95 === undefined ? undefined : parseDuration(t.p95),
        p99Ms: t.p99 === undefined ? undefined : parseDuration(t.p99),
        margin: t.safety_margin ?? config.safety_margin,
      });
    }
  }

  /** Judgements for the baseline quantiles of one resource's metrics. */
  judge(resource: Attributes, metrics: readonly GaugeMetric[]): Judgement[] {
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
        const target = this.targets.get(String(p.attributes[CLASS_LABEL]));
        if (target === undefined) continue;
        const quantile = String(p.attributes.quantile);
        const limitMs = quantile === '0.95' ? target.p95Ms : quantile === '0.99' ? target.p99Ms : undefined;
        if (limitMs === undefined) continue;
        if (notReady.has(readinessKey(p.attributes))) continue;
        const metricLabel = String(p.attributes.metric ?? '');
        const unit = msPerUnit(metricLabel);
        if (unit === undefined) {
          this.onUnknownUnit(metricLabel);
          continue;
        }
        out.push(quantile === '0.95' ? this.business(resource, p.attributes, p.value, limitMs / unit.ms, target.margin, unit.symbol) : this.technical(resource, p.attributes, p.value, limitMs / unit.ms, unit.symbol));
      }
    }
    return out;
  }

  private business(resource: Attributes, attributes: Attributes, value: number, target: number, margin: number, unit: string): Judgement {
    const threshold = target * margin;
    return {
      resource,
      labels: { ...labelsWithout(attributes, 'kind'), target: 'p95' },
      kind: 'business',
      direction: 'ceiling',
      observed: value,
      threshold,
      findingKind: 'target_breach',
      severity: 'medium',
      message: () =>
        `P95 value ${value.toFixed(2)} ${unit} exceeds business target ${threshold.toFixed(2)} ${unit} (${target.toFixed(2)} ${unit} × ${margin} safety margin)`,
      values: { target, safety_margin: margin },
    };
  }

  private technical(resource: Attributes, attributes: Attributes, value: number, limit: number, unit: string): Judgement {
    return {
      resource,
      labels: { ...labelsWithout(attributes, 'kind'), target: 'p99' },
      kind: 'technical',
      direction: 'ceiling',
      observed: value,
      threshold: limit,
      findingKind: 'target_breach',
      severity: 'high',
      message: () => `P99 value ${value.toFixed(2)} ${unit} exceeds technical limit ${limit.toFixed(2)} ${unit}`,
      values: { target: limit },
    };
  }
}
