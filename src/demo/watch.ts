// Reads the status page's JSON and turns changes into what the demo prints: baselines becoming ready,
// findings and alerts as they appear, and one progress line (readiness, current p95 vs baseline, severity).

import type { AlertEvent, SeriesRow, StatusSnapshot } from '../exporters/status/board.js';
import { SEVERITY_NAMES } from '../exporters/status/board.js';
import { formatValue } from '../exporters/status/page.js';

const HTTP_METRIC = 'http_server_request_duration_seconds';

/** The app's request series that have a baseline (one per route and status code). */
function requestRows(snapshot: StatusSnapshot): SeriesRow[] {
  return snapshot.series.filter((r) => r.metric === HTTP_METRIC && r.baselineReady !== undefined);
}

function routeName(row: SeriesRow): string {
  const status = row.labels['http_response_status_code'];
  return `${seriesName(row.labels)}${status && status !== '200' ? ` (${status})` : ''}`;
}

/** A series in a few words: `GET /users/:id`, `postgresql SELECT iora_demo_users`, or its metric name. */
export function seriesName(labels: Readonly<Record<string, string>>): string {
  if (labels['http_route'] !== undefined) return `${labels['http_request_method'] ?? ''} ${labels['http_route']}`.trim();
  const db = ['db_system_name', 'db_operation_name', 'db_collection_name'].map((k) => labels[k]).filter((v) => v !== undefined);
  if (db.length > 0) return db.join(' ');
  return labels['metric'] ?? 'series';
}

/** True once every route the load drives (`METHOD /route` templates) has a ready baseline. */
export function routesReady(snapshot: StatusSnapshot, routes: readonly string[]): boolean {
  const ready = new Set(requestRows(snapshot).filter((r) => r.baselineReady).map((r) => seriesName(r.labels)));
  return routes.every((route) => ready.has(route));
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(0)}%`;
}

function comparison(row: SeriesRow): string {
  const now = formatValue(row.metric, row.window['0.95']);
  const baseline = row.baselineReady ? formatValue(row.metric, row.baseline['0.95']) : 'learning';
  const severity = row.severity === undefined ? '' : ` severity ${SEVERITY_NAMES[row.severity] ?? row.severity}`;
  return `${routeName(row)} p95 ${now} vs baseline ${baseline} ${percent(row.degradation)}${severity}`;
}

/** One line: readiness of all baselines, then the most degraded request route against its baseline. */
export function progressLine(snapshot: StatusSnapshot, elapsedMs: number, requestsSent: number): string {
  const all = snapshot.series.filter((r) => r.baselineReady !== undefined);
  const ready = all.filter((r) => r.baselineReady).length;
  const rows = requestRows(snapshot).sort((a, b) => (b.severity ?? 0) - (a.severity ?? 0) || (b.degradation ?? -Infinity) - (a.degradation ?? -Infinity));
  const worst = rows[0];
  const firing = snapshot.firingAlerts.length;
  const parts = [
    `[${Math.round(elapsedMs / 1000)}s]`,
    `${requestsSent} requests`,
    `baselines ${ready}/${all.length} ready`,
    worst ? comparison(worst) : 'waiting for the first window',
    `${firing} alert${firing === 1 ? '' : 's'} firing`,
  ];
  return parts.join(' · ');
}

function alertLine(a: AlertEvent): string {
  const what = a.status === 'firing' ? 'ALERT FIRING' : 'alert resolved';
  return `${what}: ${a.labels['alertname'] ?? 'alert'} [${a.labels['severity'] ?? '?'}] ${seriesName(a.labels)}: ${a.summary}`;
}

/** Remembers what was already printed so each change is printed once. */
export class ChangeTracker {
  private readonly readyRoutes = new Set<string>();
  private readonly findings = new Map<string, string>();
  private readonly alerts = new Set<string>();

  /** Lines for everything new in this snapshot, oldest first. */
  changes(snapshot: StatusSnapshot): string[] {
    const lines: string[] = [];
    for (const row of requestRows(snapshot)) {
      const name = routeName(row);
      if (row.baselineReady && !this.readyRoutes.has(name)) {
        this.readyRoutes.add(name);
        lines.push(`baseline ready: ${name} p50 ${formatValue(row.metric, row.baseline['0.5'])}, p95 ${formatValue(row.metric, row.baseline['0.95'])}, p99 ${formatValue(row.metric, row.baseline['0.99'])} (${row.baselineSamples ?? 0} samples)`);
      }
    }
    for (const f of [...snapshot.findings].reverse()) {
      const key = `${f.kind}\u0001${f.service}\u0001${JSON.stringify(f.labels)}`;
      const state = `${f.severity ?? ''}\u0001${f.message.startsWith('resolved:') ? 'resolved' : 'open'}`;
      if (this.findings.get(key) === state) continue;
      this.findings.set(key, state);
      lines.push(`finding: ${f.kind}${f.severity ? ` [${f.severity}]` : ''} ${seriesName(f.labels)}: ${f.message}`);
    }
    for (const a of [...snapshot.recentAlerts].reverse()) {
      const key = `${a.status}\u0001${a.startsAtMs}\u0001${JSON.stringify(a.labels)}`;
      if (this.alerts.has(key)) continue;
      this.alerts.add(key);
      lines.push(alertLine(a));
    }
    return lines;
  }

  get alertsSeen(): number {
    return this.alerts.size;
  }

  get findingsSeen(): number {
    return this.findings.size;
  }
}
