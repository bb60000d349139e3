// `iora demo`'s pieces without the app: flags, what it prints from status snapshots, and the demo profile.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SeriesRow, StatusSnapshot } from '../../src/exporters/status/board.js';
import { loadConfig } from '../../src/pipeline/config.js';
import { parseDemoArgs } from '../../src/demo/options.js';
import { DemoOutput } from '../../src/demo/output.js';
import { FIX_AFTER_MS, RegressionScenario, WARMUP_MS } from '../../src/demo/scenario.js';
import { ChangeTracker, progressLine, routesReady } from '../../src/demo/watch.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/src/cli/main.js');

describe('iora demo flags', () => {
  it('defaults: app on 3000, /metrics on 9464, status on 9465, regression on, until stopped', () => {
    expect(parseDemoArgs([])).toEqual({ options: { port: 3000, metricsPort: 9464, statusPort: 9465, regression: true, slowdownMs: 30 } });
  });

  it('reads every flag, durations as strings or seconds, --flag=value too', () => {
    expect(parseDemoArgs(['--duration', '90', '--port=4000', '--metrics-port', '4001', '--status-port', '4002', '--no-regression', '--slowdown', '100ms'])).toEqual({
      options: { durationMs: 90_000, port: 4000, metricsPort: 4001, statusPort: 4002, regression: false, slowdownMs: 100 },
    });
    expect(parseDemoArgs(['--duration=2m'])).toMatchObject({ options: { durationMs: 120_000 } });
  });

  it('reports every bad flag at once', () => {
    expect(parseDemoArgs(['--duration', 'soon', '--port', '70000', '--colour', '--slowdown', '30', '--metrics-port', '9465'])).toEqual({
      problems: [
        '--duration needs a duration such as 90s or 2m, got "soon"',
        '--port needs a port number from 1 to 65535, got "70000"',
        'unknown option "--colour"',
        '--slowdown needs a duration such as 90s or 2m, got "30"',
        '--port, --metrics-port and --status-port must differ (got 70000, 9465, 9465)',
      ],
    });
  });

  it('the CLI prints the problems and usage and exits 2', () => {
    const r = spawnSync(process.execPath, [MAIN, 'demo', '--port', 'x'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('iora demo: --port needs a port number from 1 to 65535, got "x"');
    expect(r.stderr).toContain('usage: iora demo');
  });
});

describe('pipelines/demo.yaml', () => {
  it('loads (check-config) with the short windows the demo relies on and the status page', () => {
    const r = spawnSync(process.execPath, [MAIN, 'check-config', join(ROOT, 'pipelines/demo.yaml')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toBe('valid\n');
    const { config, errors } = loadConfig(join(ROOT, 'pipelines/demo.yaml'), {});
    expect(errors).toEqual([]);
    expect(config?.processors.get('baseline')?.config).toMatchObject({ window: '5s', bucket: '5s', period: '1m', store: '' });
    expect(config?.exporters.get('prometheus')?.config).toMatchObject({ endpoint: '127.0.0.1:9464' });
    expect(config?.exporters.get('status')?.config).toMatchObject({ endpoint: '127.0.0.1:9465', path: '/status' });
    expect(config?.pipelines[0]?.processors).toEqual(['classify', 'baseline', 'validate', 'regression', 'alert']);
  });
});

const USERS = { http_request_method: 'GET', http_response_status_code: '200', http_route: '/users/:id' };

function row(labels: Record<string, string>, over: Partial<SeriesRow> = {}): SeriesRow {
  return {
    service: 'iora-demo',
    instance: 'i',
    metric: 'http_server_request_duration_seconds',
    operationClass: 'simple_query',
    labels,
    window: { '0.95': 0.004 },
    baseline: { '0.5': 0.002, '0.95': 0.003, '0.99': 0.005 },
    baselineReady: true,
    baselineSamples: 120,
    targets: [],
    updatedMs: 0,
    ...over,
  };
}

function snapshot(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return { generatedAtMs: 0, services: [], series: [], firingAlerts: [], recentAlerts: [], findings: [], droppedSeries: 0, ...over };
}

describe('what the demo prints', () => {
  it('waits for every driven route to have a ready baseline', () => {
    const products = { ...USERS, http_route: '/products/:id' };
    const routes = ['GET /users/:id', 'GET /products/:id'];
    expect(routesReady(snapshot({ series: [row(USERS)] }), routes)).toBe(false);
    expect(routesReady(snapshot({ series: [row(USERS), row(products, { baselineReady: false })] }), routes)).toBe(false);
    expect(routesReady(snapshot({ series: [row(USERS), row(products)] }), routes)).toBe(true);
  });

  it('injects after the warm-up once every route is ready, and fixes after the latency alert has fired a while', () => {
    const scenario = new RegressionScenario(['GET /users/:id'], 0);
    const ready = snapshot({ series: [row(USERS)] });
    expect(scenario.next(snapshot({ series: [row(USERS, { baselineReady: false })] }), WARMUP_MS)).toBeUndefined();
    expect(scenario.next(ready, WARMUP_MS - 1)).toBeUndefined();
    expect(scenario.next(ready, WARMUP_MS)).toEqual({ kind: 'inject' });
    // Not done (the request failed): asked again.
    expect(scenario.next(ready, WARMUP_MS + 1000)).toEqual({ kind: 'inject' });
    scenario.done({ kind: 'inject' });
    const alert = { status: 'firing' as const, labels: { alertname: 'IoraLatencyRegression' }, summary: '', startsAtMs: 0, atMs: 0 };
    const breach = { ...alert, labels: { alertname: 'IoraTargetBreach' } };
    expect(scenario.next({ ...ready, firingAlerts: [breach] }, 60_000)).toBeUndefined();
    expect(scenario.next({ ...ready, firingAlerts: [alert] }, 70_000)).toBeUndefined();
    expect(scenario.next({ ...ready, firingAlerts: [alert] }, 70_000 + FIX_AFTER_MS - 1)).toBeUndefined();
    expect(scenario.next({ ...ready, firingAlerts: [alert] }, 70_000 + FIX_AFTER_MS)).toEqual({ kind: 'fix' });
    scenario.done({ kind: 'fix' });
    expect(scenario.next({ ...ready, firingAlerts: [alert] }, 200_000)).toBeUndefined();
  });

  it('prints each change once: a baseline becoming ready, a finding per severity, each alert event', () => {
    const tracker = new ChangeTracker();
    const finding = (severity: string, message: string) => ({ kind: 'regression', service: 'iora-demo', severity, message, labels: { http_request_method: 'GET', http_route: '/users/:id' }, timeMs: 0 });
    const firing = { status: 'firing' as const, labels: { alertname: 'IoraLatencyRegression', severity: 'critical', http_request_method: 'GET', http_route: '/users/:id' }, summary: 'p95 is 900% above', startsAtMs: 5, atMs: 5 };
    expect(tracker.changes(snapshot({ series: [row(USERS, { baselineReady: false })] }))).toEqual([]);
    const first = snapshot({ series: [row(USERS)], findings: [finding('critical', 'p95 is 0.034, 900% above')], recentAlerts: [firing] });
    expect(tracker.changes(first)).toEqual([
      'baseline ready: GET /users/:id p50 2 ms, p95 3 ms, p99 5 ms (120 samples)',
      'finding: regression [critical] GET /users/:id: p95 is 0.034, 900% above',
      'ALERT FIRING: IoraLatencyRegression [critical] GET /users/:id: p95 is 900% above',
    ]);
    // New numbers in the same finding, the same alert again: nothing new to say.
    expect(tracker.changes({ ...first, findings: [finding('critical', 'p95 is 0.036, 950% above')] })).toEqual([]);
    expect(tracker.changes({ ...first, findings: [finding('high', 'p95 is 0.005, 20% above')] })).toEqual(['finding: regression [high] GET /users/:id: p95 is 0.005, 20% above']);
    expect(tracker.alertsSeen).toBe(1);
  });

  it('progress: baselines ready, the most degraded route against its baseline, alerts firing', () => {
    const snap = snapshot({
      series: [row(USERS, { degradation: 9, severity: 4, window: { '0.95': 0.034 } }), row({ ...USERS, http_route: '/products/:id' }, { baselineReady: false, degradation: 0.1 })],
      firingAlerts: [{ status: 'firing', labels: {}, summary: '', startsAtMs: 0, atMs: 0 }],
    });
    expect(progressLine(snap, 42_300, 1234)).toBe('[42s] · 1234 requests · baselines 1/2 ready · GET /users/:id p95 34 ms vs baseline 3 ms +900% severity critical · 1 alert firing');
  });

  it('on a terminal rewrites one progress line; elsewhere prints it as a plain line every 5 s', () => {
    const sink = (): { stream: NodeJS.WritableStream; text: () => string } => {
      let out = '';
      const stream = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
      return { stream, text: () => out };
    };
    const plain = sink();
    const plainOut = new DemoOutput(plain.stream, false);
    plainOut.progress('p1', 0);
    plainOut.progress('p2', 1000);
    plainOut.line('event');
    plainOut.progress('p3', 5000);
    expect(plain.text()).toBe('p1\nevent\np3\n');
    const tty = sink();
    const ttyOut = new DemoOutput(tty.stream, true);
    ttyOut.progress('p1', 0);
    ttyOut.line('event');
    ttyOut.progress('p2', 1000);
    expect(tty.text()).toBe('\r\x1b[Kp1\r\x1b[Kevent\n\r\x1b[Kp2');
  });
});
