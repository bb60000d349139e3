// What the status page shows, kept from the batches the exporter sees: one row per source series that
// has derived findings (window and baseline quantiles, regression severity, targets), the alerts firing
// now, recent alert events and the latest finding per series. Bounded: rows and findings expire when
// not refreshed for `staleness`, rows are capped, events are a fixed-size history.

import type { Alert, Attributes, Finding, MetricBatch, NumberPoint } from '../../pipeline/model.js';

export interface TargetStatus {
  /** validate's `target` label: `p95`, `p99`, `error_rate`, `resident_memory_mb` … */
  name: string;
  /** business (p95 × safety margin) or technical (p99 as is). */
  kind: string;
  threshold: number;
  breach: boolean;
}

export interface SeriesRow {
  service: string;
  instance: string;
  /** The source's Prometheus name (`http_server_request_duration_seconds`). */
  metric: string;
  operationClass: string;
  /** The source series' other identifying labels (route, method, db system …). */
  labels: Record<string, string>;
  /** Window and baseline quantiles by quantile label ('0.5', '0.95', '0.99'), in the source's unit. */
  window: Record<string, number>;
  baseline: Record<string, number>;
  baselineReady?: boolean;
  baselineSamples?: number;
  windowCount?: number;
  errorRatio?: number;
  degradation?: number;
  /** 0 none … 4 critical; the worst of the series' signals. */
  severity?: number;
  targets: TargetStatus[];
  updatedMs: number;
}

export interface ServiceSummary {
  service: string;
  instances: number;
  series: number;
  baselinesReady: number;
  baselinesLearning: number;
  worstSeverity: number;
  breaches: number;
  firingAlerts: number;
  lastSeenMs: number;
}

export interface AlertEvent {
  status: Alert['status'];
  labels: Record<string, string>;
  summary: string;
  startsAtMs: number;
  endsAtMs?: number;
  atMs: number;
}

export interface FindingView {
  kind: string;
  service: string;
  severity?: string;
  message: string;
  labels: Record<string, string>;
  timeMs: number;
}

export interface StatusSnapshot {
  generatedAtMs: number;
  services: ServiceSummary[];
  series: SeriesRow[];
  firingAlerts: AlertEvent[];
  recentAlerts: AlertEvent[];
  findings: FindingView[];
  /** Series not shown because max_series was reached. */
  droppedSeries: number;
}

export const SEVERITY_NAMES = ['none', 'low', 'medium', 'high', 'critical'] as const;

/**
 * Labels that say which reading of a series a point is, not which series: one row covers them all
 * (baseline's `error` bound of explicit-bucket quantiles and `seasonal` season among them).
 */
const READING_LABELS = new Set(['quantile', 'error', 'seasonal', 'kind', 'signal', 'period', 'target', 'metric', 'iora_operation_class']);

export interface BoardLimits {
  stalenessMs: number;
  history: number;
  maxSeries: number;
}

function sortedEntries(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function stringLabels(attributes: Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes)) out[k] = String(v);
  return out;
}

export class StatusBoard {
  private readonly rows = new Map<string, SeriesRow>();
  private readonly firing = new Map<string, AlertEvent>();
  private readonly findings = new Map<string, FindingView>();
  private readonly severityTimes = new WeakMap<SeriesRow, number>();
  private recentAlerts: AlertEvent[] = [];
  private droppedSeries = 0;

  constructor(private readonly limits: BoardLimits) {}

  add(batch: MetricBatch, nowMs: number): void {
    for (const rm of batch.resourceMetrics) {
      const service = String(rm.resource['service.name'] ?? 'unknown');
      const instance = String(rm.resource['service.instance.id'] ?? '');
      for (const scope of rm.scopes) {
        for (const metric of scope.metrics) {
          if (metric.kind !== 'gauge' || !metric.name.startsWith('iora_')) continue;
          for (const point of metric.points) this.addPoint(service, instance, metric.name, point, nowMs);
        }
      }
    }
    for (const finding of batch.findings ?? []) this.addFinding(finding);
    for (const alert of batch.alerts ?? []) this.addAlert(alert, nowMs);
  }

  snapshot(nowMs: number): StatusSnapshot {
    this.expire(nowMs);
    const series = [...this.rows.values()].filter(hasFindings).sort(
      (a, b) =>
        (b.severity ?? 0) - (a.severity ?? 0) ||
        a.service.localeCompare(b.service) ||
        // The spec's operation classes first; unclassified series (runtime, DDL, admin routes) after them.
        Number(a.operationClass === '') - Number(b.operationClass === '') ||
        a.operationClass.localeCompare(b.operationClass) ||
        a.metric.localeCompare(b.metric) ||
        sortedEntries(a.labels).localeCompare(sortedEntries(b.labels)),
    );
    const firingAlerts = [...this.firing.values()].sort((a, b) => b.startsAtMs - a.startsAtMs);
    const findings = [...this.findings.values()].sort((a, b) => b.timeMs - a.timeMs).slice(0, this.limits.history);
    return {
      generatedAtMs: nowMs,
      services: summarize(series, firingAlerts),
      series,
      firingAlerts,
      recentAlerts: [...this.recentAlerts],
      findings,
      droppedSeries: this.droppedSeries,
    };
  }

  private row(service: string, instance: string, labels: Record<string, string>, nowMs: number): SeriesRow | undefined {
    const identity: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) if (!READING_LABELS.has(k)) identity[k] = v;
    const metric = labels['metric'] ?? '';
    const key = `${service}\u0001${instance}\u0001${metric}\u0001${sortedEntries(identity)}`;
    let row = this.rows.get(key);
    if (row === undefined) {
      if (this.rows.size >= this.limits.maxSeries) this.expire(nowMs);
      if (this.rows.size >= this.limits.maxSeries) {
        this.droppedSeries++;
        return undefined;
      }
      row = { service, instance, metric, operationClass: '', labels: identity, window: {}, baseline: {}, targets: [], updatedMs: nowMs };
      this.rows.set(key, row);
    }
    const operationClass = labels['iora_operation_class'];
    if (operationClass) row.operationClass = operationClass;
    row.updatedMs = nowMs;
    return row;
  }

  private addPoint(service: string, instance: string, name: string, point: NumberPoint, nowMs: number): void {
    const labels = stringLabels(point.attributes);
    const value = point.value;
    const quantile = labels['quantile'] ?? '';
    const apply = (update: (row: SeriesRow) => void): void => {
      const row = this.row(service, instance, labels, nowMs);
      if (row) update(row);
    };
    switch (name) {
      case 'iora_window_quantile':
        return apply((r) => void (r.window[quantile] = value));
      case 'iora_baseline_quantile':
        return apply((r) => void (r.baseline[quantile] = value));
      case 'iora_baseline_ready':
        return apply((r) => void (r.baselineReady = value === 1));
      case 'iora_baseline_samples':
        return apply((r) => void (r.baselineSamples = value));
      case 'iora_window_count':
        return apply((r) => void (r.windowCount = value));
      case 'iora_error_ratio':
        return apply((r) => void (r.errorRatio = value));
      case 'iora_regression_severity':
        return apply((r) => {
          // Several signals (latency, error ratio) judge one series in the same batch: keep the worst.
          r.severity = this.severityTimes.get(r) === point.timeMs ? Math.max(r.severity ?? 0, value) : value;
          this.severityTimes.set(r, point.timeMs);
        });
      case 'iora_regression_degradation_ratio':
        if (labels['signal'] === undefined || labels['signal'] === 'latency') apply((r) => void (r.degradation = value));
        return;
      case 'iora_target_threshold':
        return apply((r) => void (targetOf(r, labels['target'] ?? quantile, labels['kind'] ?? '').threshold = value));
      case 'iora_target_breach':
        return apply((r) => void (targetOf(r, labels['target'] ?? quantile, labels['kind'] ?? '').breach = value === 1));
    }
  }

  private addFinding(finding: Finding): void {
    const service = String(finding.resource['service.name'] ?? 'unknown');
    const key = `${finding.kind}\u0001${service}\u0001${String(finding.resource['service.instance.id'] ?? '')}\u0001${sortedEntries(finding.labels)}`;
    // The latest word per series: a resolved finding replaces the one it ends, and expires like any other.
    this.findings.set(key, {
      kind: finding.kind,
      service,
      ...(finding.severity !== undefined ? { severity: finding.severity } : {}),
      message: finding.resolved ? `resolved: ${finding.message}` : finding.message,
      labels: { ...finding.labels },
      timeMs: finding.timeMs,
    });
    if (this.findings.size > this.limits.maxSeries) {
      const oldest = [...this.findings].sort((a, b) => a[1].timeMs - b[1].timeMs)[0];
      if (oldest) this.findings.delete(oldest[0]);
    }
  }

  private addAlert(alert: Alert, nowMs: number): void {
    const key = sortedEntries(alert.labels);
    const event: AlertEvent = {
      status: alert.status,
      labels: { ...alert.labels },
      summary: alert.annotations['summary'] ?? alert.labels['alertname'] ?? 'alert',
      startsAtMs: alert.startsAtMs,
      ...(alert.endsAtMs !== undefined ? { endsAtMs: alert.endsAtMs } : {}),
      atMs: nowMs,
    };
    const resend = alert.status === 'firing' && this.firing.get(key)?.startsAtMs === alert.startsAtMs;
    if (alert.status === 'firing') this.firing.set(key, event);
    else this.firing.delete(key);
    // Re-sends of an alert already firing are not news; a new firing and every resolution are.
    if (resend) return;
    this.recentAlerts.unshift(event);
    if (this.recentAlerts.length > this.limits.history) this.recentAlerts.length = this.limits.history;
  }

  private expire(nowMs: number): void {
    const cutoff = nowMs - this.limits.stalenessMs;
    for (const [key, row] of this.rows) if (row.updatedMs < cutoff) this.rows.delete(key);
    for (const [key, finding] of this.findings) if (finding.timeMs < cutoff) this.findings.delete(key);
  }
}

/** A row only counted (an empty window, nothing learned or judged) says nothing worth a line. */
function hasFindings(row: SeriesRow): boolean {
  return (
    row.baselineReady !== undefined ||
    Object.keys(row.window).length > 0 ||
    Object.keys(row.baseline).length > 0 ||
    row.targets.length > 0 ||
    row.severity !== undefined ||
    row.errorRatio !== undefined
  );
}

function targetOf(row: SeriesRow, name: string, kind: string): TargetStatus {
  let target = row.targets.find((t) => t.name === name && t.kind === kind);
  if (target === undefined) {
    target = { name, kind, threshold: Number.NaN, breach: false };
    row.targets.push(target);
    row.targets.sort((a, b) => a.name.localeCompare(b.name));
  }
  return target;
}

function summarize(series: SeriesRow[], firing: AlertEvent[]): ServiceSummary[] {
  const byService = new Map<string, ServiceSummary & { instanceIds: Set<string> }>();
  for (const row of series) {
    let s = byService.get(row.service);
    if (s === undefined) {
      s = { service: row.service, instances: 0, series: 0, baselinesReady: 0, baselinesLearning: 0, worstSeverity: 0, breaches: 0, firingAlerts: 0, lastSeenMs: 0, instanceIds: new Set() };
      byService.set(row.service, s);
    }
    s.instanceIds.add(row.instance);
    s.series++;
    if (row.baselineReady === true) s.baselinesReady++;
    if (row.baselineReady === false) s.baselinesLearning++;
    s.worstSeverity = Math.max(s.worstSeverity, row.severity ?? 0);
    s.breaches += row.targets.filter((t) => t.breach).length;
    s.lastSeenMs = Math.max(s.lastSeenMs, row.updatedMs);
  }
  for (const alert of firing) {
    const s = byService.get(alert.labels['service'] ?? '');
    if (s) s.firingAlerts++;
  }
  return [...byService.values()]
    .map(({ instanceIds, ...s }) => ({ ...s, instances: instanceIds.size }))
    .sort((a, b) => a.service.localeCompare(b.service));
}
