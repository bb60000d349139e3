// One target judged once: the threshold and breach series it publishes and, when breached, its finding.
// Every check of validate goes through here, so all of them publish the same shapes.

import type { Attributes, Finding, NumberPoint, Severity } from '../../../pipeline/model.js';

export type TargetKind = 'business' | 'technical';

export interface Judgement {
  resource: Attributes;
  /** Identifying labels (Prometheus label names): the source series' labels plus `target`. */
  labels: Record<string, string>;
  kind: TargetKind;
  /** `ceiling`: breached above the threshold; `floor`: breached below it. */
  direction: 'ceiling' | 'floor';
  observed: number;
  /** The value the observation is judged against (for business targets: target × safety margin). */
  threshold: number;
  findingKind: 'target_breach' | 'resource_limit';
  severity: Severity;
  /** Says the breach in words; only called when breached. */
  message: () => string;
  values?: Record<string, number>;
}

export function isBreached(j: Pick<Judgement, 'direction' | 'observed' | 'threshold'>): boolean {
  return j.direction === 'ceiling' ? j.observed > j.threshold : j.observed < j.threshold;
}

/** The derived series and findings of one batch, per resource. */
export class JudgementSink {
  private readonly byResource = new Map<string, { resource: Attributes; thresholds: NumberPoint[]; breaches: NumberPoint[] }>();
  readonly findings: Finding[] = [];

  constructor(
    private readonly nowMs: number,
    private readonly resourceKeyOf: (resource: Attributes) => string,
  ) {}

  add(j: Judgement): void {
    const key = this.resourceKeyOf(j.resource);
    let entry = this.byResource.get(key);
    if (!entry) {
      entry = { resource: j.resource, thresholds: [], breaches: [] };
      this.byResource.set(key, entry);
    }
    const attributes = { ...j.labels, kind: j.kind };
    const breached = isBreached(j);
    entry.thresholds.push({ attributes, startTimeMs: this.nowMs, timeMs: this.nowMs, value: j.threshold });
    entry.breaches.push({ attributes, startTimeMs: this.nowMs, timeMs: this.nowMs, value: breached ? 1 : 0 });
    if (!breached) return;
    this.findings.push({
      kind: j.findingKind,
      resource: j.resource,
      labels: attributes,
      severity: j.severity,
      message: j.message(),
      values: { current: j.observed, threshold: j.threshold, ...j.values },
      timeMs: this.nowMs,
    });
  }

  resources(): Iterable<{ resource: Attributes; thresholds: NumberPoint[]; breaches: NumberPoint[] }> {
    return this.byResource.values();
  }
}
