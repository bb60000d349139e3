import { Writable } from 'node:stream';
import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { slackFactory } from '../../../src/exporters/slack/factory.js';
import type { Exporter } from '../../../src/pipeline/component.js';
import type { Alert } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { CaptureServer } from '../delivery/capture-server.js';

const SECRET_PATH = '/services/T000SECRET/B000SECRET/XXXXsecrettokenXXXX';

function settings(lines: string[]) {
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return {
    id: 'slack', type: 'slack', logger: pino({ level: 'debug' }, stream), clock: { now: () => Date.now() },
    meter: createNoopMeter(), host: { quarantine: new BoundedQuarantine() },
  };
}

const labels = {
  alertname: 'IoraLatencyRegression', severity: 'critical', service: 'shop',
  metric: 'http_server_request_duration_seconds', http_route: '/checkout', quantile: '0.95',
};
const annotations = { summary: 'p95 of checkout is 0.26, 30.0% above its baseline 0.2', current: '0.26', baseline: '0.2', degradation: '30.0%', window: '1m' };
const firing: Alert = { labels, annotations, status: 'firing', startsAtMs: Date.parse('2026-01-05T10:00:00Z'), generatorURL: 'http://grafana:3000/d/iora-baselines?var-service=shop' };

let server: CaptureServer;
let exporter: Exporter | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await server.close();
});

describe('slack exporter', () => {
  it('posts the specification message: text, colour by severity, metric/degradation/current/baseline fields', async () => {
    server = new CaptureServer();
    const base = await server.listen();
    const lines: string[] = [];
    const config = { ...slackFactory.createDefaultConfig(), url: `${base}${SECRET_PATH}`, channel: '#perf' };
    expect(slackFactory.validate(config)).toEqual([]);
    exporter = slackFactory.create(settings(lines), config, { consume: async () => {} });
    await exporter.start();
    await exporter.consume({ resourceMetrics: [], alerts: [firing] });
    await exporter.consume({ resourceMetrics: [], alerts: [firing] }); // a re-send: no second message
    await exporter.consume({ resourceMetrics: [], alerts: [{ ...firing, labels: { ...labels, severity: 'high', http_route: '/cart' } }] });
    await exporter.consume({ resourceMetrics: [], alerts: [{ ...firing, status: 'resolved', endsAtMs: firing.startsAtMs + 60_000 }] });
    await server.waitFor(3);
    expect(server.received.map((r) => r.path)).toEqual([SECRET_PATH, SECRET_PATH, SECRET_PATH]);
    expect(server.received[0]!.body).toEqual({
      channel: '#perf',
      text: '🚨 Performance Alert: p95 of checkout is 0.26, 30.0% above its baseline 0.2',
      attachments: [{
        color: 'danger',
        title: 'IoraLatencyRegression · shop · critical',
        title_link: 'http://grafana:3000/d/iora-baselines?var-service=shop',
        fields: [
          { title: 'Metric', value: 'http_server_request_duration_seconds (p95)', short: true },
          { title: 'Degradation', value: '30.0%', short: true },
          { title: 'Current Value', value: '0.26', short: true },
          { title: 'Baseline', value: '0.2', short: true },
        ],
      }],
    });
    const colours = server.received.map((r) => (r.body as { attachments: { color: string }[] }).attachments[0]!.color);
    expect(colours).toEqual(['danger', 'warning', 'good']);
    expect((server.received[2]!.body as { text: string }).text).toMatch(/^✅ Resolved: /);
  });

  it('never logs the webhook URL, even when delivery fails', async () => {
    server = new CaptureServer();
    const base = await server.listen();
    server.status = 500;
    const lines: string[] = [];
    exporter = slackFactory.create(settings(lines), { ...slackFactory.createDefaultConfig(), url: `${base}${SECRET_PATH}`, timeout: '2s', retry: { initial_interval: '10ms', max_interval: '20ms' } }, { consume: async () => {} });
    await exporter.start();
    await exporter.consume({ resourceMetrics: [], alerts: [firing] });
    await expect.poll(() => server.attempts, { timeout: 20_000 }).toBeGreaterThan(1);
    await server.close();
    await expect.poll(() => lines.join(''), { timeout: 20_000 }).toContain('HTTP 500');
    await exporter.shutdown();
    const log = lines.join('');
    expect(log).not.toContain('SECRET');
    expect(log).not.toContain('secrettoken');
  });

  it('rejects a bad URL without echoing it; no URL at all logs one error and sends nothing', async () => {
    server = new CaptureServer();
    const issues = slackFactory.validate({ ...slackFactory.createDefaultConfig(), url: 'ftp://hooks.example/T000SECRET' });
    expect(issues).toEqual([{ path: 'url', message: 'must be an http:// or https:// URL' }]);
    const lines: string[] = [];
    exporter = slackFactory.create(settings(lines), slackFactory.createDefaultConfig(), { consume: async () => {} });
    await exporter.start();
    await exporter.consume({ resourceMetrics: [], alerts: [firing] });
    expect(lines.filter((l) => l.includes('SLACK_WEBHOOK_URL'))).toHaveLength(1);
  });
});
