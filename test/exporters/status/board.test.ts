import { describe, expect, it } from 'vitest';
import { StatusBoard } from '../../../src/exporters/status/board.js';
import type { Alert, Attributes, Finding, MetricBatch } from '../../../src/pipeline/model.js';

const SHOP = { 'service.name': 'shop', 'service.instance.id': 'i-1' };
const ROUTE = { http_request_method: 'GET', http_route: '/users/:id', iora_operation_class: 'simple_query', metric: 'http_server_request_duration_seconds' };

type Point = [name: string, labels: Attributes, value: number];

function derived(points: Point[], timeMs = 1000, resource: Attributes = SHOP): MetricBatch {
  const names = [...new Set(points.map(([n]) => n))];
  const metrics = names.map((name) => ({
    kind: 'gauge' as const,
    name,
    description: '',
    unit: '',
    points: points.filter(([n]) => n === name).map(([, attributes, value]) => ({ attributes, startTimeMs: timeMs, timeMs, value })),
  }));
  return { resourceMetrics: [{ resource, scopes: [{ scope: { name: 'iora/test' }, metrics }] }] };
}

function alert(status: Alert['status'], startsAtMs: number, extra: Partial<Alert> = {}): Alert {
  return {
    labels: { alertname: 'IoraLatencyRegression', severity: 'critical', service: 'shop', http_route: '/users/:id' },
    annotations: { summary: 'p95 of GET /users/:id is 45% above its baseline' },
    status,
    startsAtMs,
    ...extra,
  };
}

const limits = { stalenessMs: 60_000, history: 3, maxSeries: 100 };

describe('StatusBoard', () => {
  it('gathers every reading of one source series into one row: quantiles, baseline, severity, targets', () => {
    const board = new StatusBoard(limits);
    board.add(
      derived([
        ['iora_window_quantile', { ...ROUTE, quantile: '0.5' }, 0.004],
        ['iora_window_quantile', { ...ROUTE, quantile: '0.95' }, 0.03],
        ['iora_baseline_quantile', { ...ROUTE, quantile: '0.95' }, 0.01],
        ['iora_baseline_ready', ROUTE, 1],
        ['iora_baseline_samples', ROUTE, 420],
        ['iora_regression_degradation_ratio', { ...ROUTE, quantile: '0.95', signal: 'latency' }, 2],
        ['iora_regression_severity', { ...ROUTE, quantile: '0.95', signal: 'latency' }, 4],
        ['iora_regression_severity', { ...ROUTE, signal: 'error_ratio' }, 0],
        ['iora_target_threshold', { ...ROUTE, quantile: '0.95', kind: 'business', target: 'p95' }, 0.55],
        ['iora_target_breach', { ...ROUTE, quantile: '0.95', kind: 'business', target: 'p95' }, 0],
        ['iora_target_threshold', { ...ROUTE, quantile: '0.99', kind: 'technical', target: 'p99' }, 0.02],
        ['iora_target_breach', { ...ROUTE, quantile: '0.99', kind: 'technical', target: 'p99' }, 1],
      ]),
      1000,
    );
    const snap = board.snapshot(1000);
    expect(snap.series).toHaveLength(1);
    const row = snap.series[0]!;
    expect(row).toMatchObject({
      service: 'shop',
      metric: 'http_server_request_duration_seconds',
      operationClass: 'simple_query',
      labels: { http_request_method: 'GET', http_route: '/users/:id' },
      window: { '0.5': 0.004, '0.95': 0.03 },
      baseline: { '0.95': 0.01 },
      baselineReady: true,
      baselineSamples: 420,
      degradation: 2,
      // The error-ratio signal's 0 in the same batch does not hide the latency signal's critical.
      severity: 4,
    });
    expect(row.targets).toEqual([
      { name: 'p95', kind: 'business', threshold: 0.55, breach: false },
      { name: 'p99', kind: 'technical', threshold: 0.02, breach: true },
    ]);
    expect(snap.services).toEqual([
      { service: 'shop', instances: 1, series: 1, baselinesReady: 1, baselinesLearning: 0, worstSeverity: 4, breaches: 1, firingAlerts: 0, lastSeenMs: 1000 },
    ]);
  });

  it('takes the severity of a later batch as it is (a recovered series goes back to none)', () => {
    const board = new StatusBoard(limits);
    const sev = (v: number, t: number): MetricBatch => derived([['iora_regression_severity', { ...ROUTE, quantile: '0.95', signal: 'latency' }, v]], t);
    board.add(sev(4, 1000), 1000);
    board.add(sev(0, 2000), 2000);
    expect(board.snapshot(2000).series[0]?.severity).toBe(0);
  });

  it('keeps firing alerts until resolved, lists each firing and resolution once in recent alerts, newest first, bounded', () => {
    const board = new StatusBoard(limits);
    board.add({ resourceMetrics: [], alerts: [alert('firing', 500)] }, 1000);
    board.add({ resourceMetrics: [], alerts: [alert('firing', 500)] }, 2000); // a re-send is not news
    let snap = board.snapshot(2000);
    expect(snap.firingAlerts.map((a) => a.summary)).toEqual(['p95 of GET /users/:id is 45% above its baseline']);
    expect(snap.recentAlerts).toHaveLength(1);
    board.add({ resourceMetrics: [], alerts: [alert('resolved', 500, { endsAtMs: 3000 })] }, 3000);
    snap = board.snapshot(3000);
    expect(snap.firingAlerts).toEqual([]);
    expect(snap.recentAlerts.map((a) => a.status)).toEqual(['resolved', 'firing']);
    for (const t of [4000, 5000]) board.add({ resourceMetrics: [], alerts: [alert('firing', t)] , findings: [] }, t);
    expect(board.snapshot(5000).recentAlerts.map((a) => a.atMs)).toEqual([5000, 4000, 3000]);
  });

  it('shows the latest finding per series, a resolution replacing it, and counts firing alerts per service', () => {
    const board = new StatusBoard(limits);
    const finding = (message: string, timeMs: number, resolved = false): Finding => ({
      kind: 'regression',
      resource: SHOP,
      labels: { http_route: '/users/:id', metric: ROUTE.metric },
      severity: 'high',
      message,
      timeMs,
      ...(resolved ? { resolved } : {}),
    });
    board.add({ ...derived([['iora_baseline_ready', ROUTE, 0]]), findings: [finding('20% above', 1000)], alerts: [alert('firing', 1000)] }, 1000);
    board.add({ resourceMetrics: [], findings: [finding('25% above', 2000)] }, 2000);
    let snap = board.snapshot(2000);
    expect(snap.findings.map((f) => f.message)).toEqual(['25% above']);
    expect(snap.services[0]).toMatchObject({ firingAlerts: 1, baselinesLearning: 1, baselinesReady: 0 });
    board.add({ resourceMetrics: [], findings: [finding('back to 3%', 3000, true)] }, 3000);
    snap = board.snapshot(3000);
    expect(snap.findings.map((f) => f.message)).toEqual(['resolved: back to 3%']);
  });

  it('drops rows and findings not refreshed within staleness, and caps rows with a count of the dropped', () => {
    const board = new StatusBoard({ ...limits, maxSeries: 2 });
    const routeRow = (route: string): Point => ['iora_window_quantile', { ...ROUTE, http_route: route, quantile: '0.95' }, 0.01];
    board.add({ ...derived([routeRow('/a'), routeRow('/b'), routeRow('/c')]), findings: [{ kind: 'k', resource: SHOP, labels: {}, message: 'm', timeMs: 1000 }] }, 1000);
    let snap = board.snapshot(1000);
    expect(snap.series.map((r) => r.labels['http_route'])).toEqual(['/a', '/b']);
    expect(snap.droppedSeries).toBe(1);
    board.add(derived([routeRow('/b')], 40_000), 40_000);
    snap = board.snapshot(70_000);
    expect(snap.series.map((r) => r.labels['http_route'])).toEqual(['/b']);
    expect(snap.findings).toEqual([]);
    // Room again after expiry: a new series gets a row.
    board.add(derived([routeRow('/c')], 70_000), 70_000);
    expect(board.snapshot(70_000).series.map((r) => r.labels['http_route'])).toEqual(['/b', '/c']);
  });

  it('leaves out series that are only counted (no quantile, baseline state, target or verdict) and ignores raw metrics', () => {
    const board = new StatusBoard(limits);
    board.add(derived([['iora_window_count', ROUTE, 0], ['http.server.request.duration', ROUTE, 1]]), 1000);
    expect(board.snapshot(1000).series).toEqual([]);
  });
});
