// End to end with real parts: synthetic windows (as the baseline processor publishes them) go through
// a Service built from YAML — agent receiver → regression → alert → alertmanager exporter — into a real
// Alertmanager whose webhook receiver is this test. A regression produces a firing notification with
// the expected labels, recovery the resolved one; alerts raised and resolved while Alertmanager is
// down are delivered when it is back (from the exporter's queue: re-sends are set to 1h here, so
// nothing else could deliver them); an HA pair (`urls`) gets every alert on both.

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer, InProcessSource } from '../../src/pipeline/component.js';
import { parseConfig } from '../../src/pipeline/config.js';
import { Service } from '../../src/pipeline/service.js';
import { CaptureServer } from '../exporters/delivery/capture-server.js';
import { batchOf, type SeriesInput } from '../processors/regression/derived-batch.js';
import { RealAlertmanager, type Notification } from './alerting-alertmanager.js';

const AM_PORT = 19901;
const AM_HA_PORT = 19902;

/** The in-process source the agent receiver subscribes to; the test pushes batches through it. */
class TestSource implements InProcessSource {
  consumer: Consumer | undefined;
  subscribe(consumer: Consumer): () => void {
    this.consumer = consumer;
    return () => (this.consumer = undefined);
  }
}

function route(path: string, p95: number): SeriesInput {
  return {
    resource: { 'service.name': 'shop', 'service.instance.id': 'shop-1' },
    source: { name: 'http.server.request.duration', unit: 's', attributes: { 'http.route': path, 'http.request.method': 'GET' } },
    window: { p50: 0.12, p95, p99: 0.3, count: 1000, rate: 1000 / 60 },
    baseline: { p95: 0.2, lower: 0.196, upper: 0.204, ready: 1 },
  };
}

function serviceYaml(urls: string[]): string {
  return `
receivers:
  agent: {}
processors:
  regression: { for: 1s, min_samples: 100 }
  alert: { cooldown: 0s, resend_interval: 1h, resolve_timeout: 1m, grafana_url: http://127.0.0.1:3000/d/iora-baselines }
exporters:
  alertmanager:
    urls: [${urls.join(', ')}]
    timeout: 2s
    retry: { initial_interval: 200ms, max_interval: 500ms }
service:
  telemetry: { metrics: { enabled: false } }
  pipelines:
    metrics: { receivers: [agent], processors: [regression, alert], exporters: [alertmanager] }
`;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(alertmanagerPorts: number[]) {
  const hook = new CaptureServer();
  const hookUrl = `${await hook.listen()}/am`;
  cleanup.push(() => hook.close());
  const alertmanagers = alertmanagerPorts.map((port) => new RealAlertmanager({ port, webhookUrl: hookUrl }));
  for (const am of alertmanagers) {
    await am.start();
    cleanup.push(() => am.dispose());
  }
  const loaded = parseConfig(serviceYaml(alertmanagers.map((a) => a.url)), 'alerting.yaml', {});
  expect(loaded.errors).toEqual([]);
  const source = new TestSource();
  const service = new Service(loaded.config!, { logger: pino({ level: 'silent' }), host: { inProcess: source } });
  await service.start();
  cleanup.push(() => service.shutdown());
  // The agent would deliver a batch every collection interval; here every 200 ms, with the current windows.
  let windows: SeriesInput[] = [];
  const timer = setInterval(() => void source.consumer?.consume(batchOf(windows, Date.now())), 200);
  cleanup.push(async () => clearInterval(timer));
  const notifications = () => hook.received.map((r) => r.body as Notification);
  const alertsFor = (path: string, status: 'firing' | 'resolved') =>
    notifications().flatMap((n) => n.alerts).filter((a) => a.labels.http_route === path && a.status === status);
  return { alertmanagers, notifications, alertsFor, setWindows: (w: SeriesInput[]) => (windows = w) };
}

describe('alerting through a real Alertmanager', () => {
  it('a regression notifies firing with its labels, then resolved; alerts raised and resolved while Alertmanager is down are not lost', async () => {
    const { alertmanagers, alertsFor, setWindows } = await setup([AM_PORT]);
    const am = alertmanagers[0]!;

    setWindows([route('/checkout', 0.24), route('/cart', 0.2)]);
    await expect.poll(() => alertsFor('/checkout', 'firing').length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    const firing = alertsFor('/checkout', 'firing')[0]!;
    expect(firing.labels).toEqual({
      alertname: 'IoraLatencyRegression', severity: 'high', service: 'shop', instance: 'shop-1',
      metric: 'http_server_request_duration_seconds', http_route: '/checkout', http_request_method: 'GET', quantile: '0.95',
    });
    expect(firing.annotations).toMatchObject({ current: '0.24', baseline: '0.2', degradation: '20.0%', window: '1m' });
    expect(firing.annotations.summary).toContain('20.0% above its baseline');
    expect(firing.generatorURL).toBe('http://127.0.0.1:3000/d/iora-baselines?var-service=shop&var-metric=http_server_request_duration_seconds');
    expect(alertsFor('/cart', 'firing')).toEqual([]);

    // Alertmanager restarts; meanwhile /checkout recovers and /cart regresses (critical).
    await am.stop();
    setWindows([route('/checkout', 0.2), route('/cart', 0.27)]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(alertsFor('/cart', 'firing')).toEqual([]);
    expect(alertsFor('/checkout', 'resolved')).toEqual([]);
    await am.start();
    await expect.poll(() => alertsFor('/cart', 'firing').length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    expect(alertsFor('/cart', 'firing')[0]!.labels).toMatchObject({ alertname: 'IoraLatencyRegression', severity: 'critical', http_route: '/cart' });
    await expect.poll(() => alertsFor('/checkout', 'resolved').length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    expect(alertsFor('/checkout', 'resolved')[0]!.labels.severity).toBe('high');

    // /cart recovers too: resolved.
    setWindows([route('/checkout', 0.2), route('/cart', 0.2)]);
    await expect.poll(() => alertsFor('/cart', 'resolved').length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
  });

  it('sends every alert to both Alertmanagers of an HA pair', async () => {
    const { alertmanagers, notifications, setWindows } = await setup([AM_PORT, AM_HA_PORT]);
    setWindows([route('/checkout', 0.26)]);
    // Each Alertmanager names itself in externalURL (host name and its own port).
    const senders = () => new Set(notifications().filter((n) => n.status === 'firing').map((n) => new URL(n.externalURL).port));
    await expect.poll(() => senders().size, { timeout: 30_000, interval: 100 }).toBe(2);
    expect([...senders()].sort()).toEqual(alertmanagers.map((a) => new URL(a.url).port).sort());
  });
});
