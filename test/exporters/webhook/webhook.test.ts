import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookFactory } from '../../../src/exporters/webhook/factory.js';
import type { Exporter } from '../../../src/pipeline/component.js';
import type { Alert } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { CaptureServer } from '../delivery/capture-server.js';

const settings = {
  id: 'webhook/oncall', type: 'webhook', logger: pino({ level: 'silent' }), clock: { now: () => Date.now() },
  meter: createNoopMeter(), host: { quarantine: new BoundedQuarantine() },
};
const firing: Alert = {
  labels: { alertname: 'IoraMemoryGrowth', severity: 'high', service: 'shop' },
  annotations: { summary: 'RSS grows 90 MB/h' },
  status: 'firing',
  startsAtMs: Date.parse('2026-01-05T10:00:00Z'),
};

let server: CaptureServer;
let exporter: Exporter | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await server.close();
});

describe('webhook exporter', () => {
  it('posts state changes in Alertmanager webhook format with the configured headers, retrying through an outage', async () => {
    server = new CaptureServer();
    const url = `${await server.listen()}/hook`;
    server.status = 503;
    const config = {
      ...webhookFactory.createDefaultConfig(), url, headers: { authorization: 'Bearer t0ken' },
      retry: { initial_interval: '20ms', max_interval: '50ms' },
    };
    expect(webhookFactory.validate(config)).toEqual([]);
    exporter = webhookFactory.create(settings, config, { consume: async () => {} });
    await exporter.start();
    await exporter.consume({ resourceMetrics: [], alerts: [firing] });
    await exporter.consume({ resourceMetrics: [], alerts: [firing] }); // re-send while firing: not a change
    await expect.poll(() => server.attempts, { timeout: 20_000 }).toBeGreaterThan(1);
    server.status = 200;
    await server.waitFor(1);
    await exporter.consume({ resourceMetrics: [], alerts: [{ ...firing, status: 'resolved', endsAtMs: firing.startsAtMs + 120_000 }] });
    await server.waitFor(2);
    expect(server.received[0]!.headers.authorization).toBe('Bearer t0ken');
    expect(server.received[0]!.path).toBe('/hook');
    expect(server.received.map((r) => r.body)).toEqual([
      {
        version: '4', receiver: 'webhook/oncall', status: 'firing',
        alerts: [{
          status: 'firing', labels: firing.labels, annotations: firing.annotations, startsAt: '2026-01-05T10:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
        }],
      },
      {
        version: '4', receiver: 'webhook/oncall', status: 'resolved',
        alerts: [expect.objectContaining({ status: 'resolved', endsAt: '2026-01-05T10:02:00.000Z' }) as unknown],
      },
    ]);
    const [a, b] = server.received.map((r) => (r.body as { alerts: { fingerprint: string }[] }).alerts[0]!.fingerprint);
    expect(a).toBe(b);
  });

  it('reports every config problem with its path', () => {
    const issues = webhookFactory.validate({
      ...webhookFactory.createDefaultConfig(), url: 'not a url', timeout: 'soon', queue_size: 0,
      headers: { 'bad header': 'x' }, retry: { initial_interval: '10s', max_interval: '1s' },
    });
    expect(issues.map((i) => i.path)).toEqual(['timeout', 'queue_size', 'retry::max_interval', 'url', 'headers::bad header']);
  });
});
