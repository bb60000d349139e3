// End to end with every real part: an app under the agent (`node --import dist/instrumentation/register.js`)
// runs the pipeline agent → baseline → regression → alert → alertmanager (+ prometheus, to watch it),
// a real Alertmanager notifies this test's webhook. Latency injected into the app's requests produces a
// firing IoraLatencyRegression with the series' labels; taking it away produces the resolved one.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureServer } from '../exporters/delivery/capture-server.js';
import { MetricsScraper, spawnApp, type RunningApp } from '../instrumentation/harness.js';
import { RealAlertmanager, type Notification } from './alerting-alertmanager.js';

const AM_PORT = 19903;
const METRICS_PORT = 19904;
const APP = fileURLToPath(new URL('./alerting-agent-app.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'alerting-agent-'));
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 16 });

let app: RunningApp | undefined;
let alertmanager: RealAlertmanager | undefined;
let hook: CaptureServer | undefined;
afterAll(async () => {
  await app?.stop();
  await alertmanager?.dispose();
  await hook?.close();
  keepAlive.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function get(port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: `/work?ms=${ms}`, agent: keepAlive }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

/** Keeps `concurrency` requests in flight with delays around `median()` ms until stopped. */
function drive(port: number, median: () => number, concurrency: number): { stop(): Promise<void> } {
  let running = true;
  let seed = 3;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      const z = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
      await get(port, Math.round(median() * Math.exp(0.25 * z)));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('alerting under the agent', () => {
  it('injected latency notifies IoraLatencyRegression through Alertmanager, and its removal the resolved one', async () => {
    hook = new CaptureServer();
    const hookUrl = `${await hook.listen()}/am`;
    alertmanager = new RealAlertmanager({ port: AM_PORT, webhookUrl: hookUrl });
    await alertmanager.start();
    const config = join(dir, 'pipeline.yaml');
    writeFileSync(
      config,
      `receivers:
  agent:
processors:
  baseline: { window: 2s, bucket: 2s, period: 2m, min_samples: 300, min_coverage: 0.05 }
  regression: { for: 2s, min_samples: 50, signals: { error_ratio: false } }
  alert: { cooldown: 0s, resend_interval: 5s }
exporters:
  alertmanager: { url: ${alertmanager.url}, retry: { initial_interval: 200ms, max_interval: 1s } }
  prometheus: { endpoint: 127.0.0.1:${METRICS_PORT} }
service:
  pipelines:
    metrics: { receivers: [agent], processors: [baseline, regression, alert], exporters: [alertmanager, prometheus] }
`,
    );
    app = await spawnApp(APP, 'import', { IORA_CONFIG: config, OTEL_METRIC_EXPORT_INTERVAL: '500', IORA_DATA_DIR: dir });
    const scraper = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
    let median = 40;
    const load = drive(app.port, () => median, 8);
    try {
      await scraper.waitFor(() => scraper.total('iora_baseline_ready', { metric: 'http_server_request_duration_seconds' }) >= 1, 'a ready baseline', 60_000);
      expect(hook.received, 'nothing while latency is normal').toEqual([]);

      median = 100;
      const alerts = (status: string) =>
        hook!.received.flatMap((r) => (r.body as Notification).alerts).filter((a) => a.labels.alertname === 'IoraLatencyRegression' && a.status === status);
      await expect.poll(() => alerts('firing').length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
      const firing = alerts('firing')[0]!;
      expect(firing.labels).toMatchObject({ metric: 'http_server_request_duration_seconds', quantile: '0.95', http_request_method: 'GET' });
      expect(['high', 'critical']).toContain(firing.labels.severity);
      expect(firing.labels.service).toMatch(/\S/);
      expect(Number.parseFloat(firing.annotations.degradation ?? '')).toBeGreaterThan(15);

      median = 40;
      await expect.poll(() => alerts('resolved').length, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
    } finally {
      await load.stop();
    }
  }, 180_000);
});
