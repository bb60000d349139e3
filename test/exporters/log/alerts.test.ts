import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { expect, it } from 'vitest';
import { logExporterFactory } from '../../../src/exporters/log/factory.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';

it('log exporter: one line per alert with its status, summary and labels', async () => {
  const lines: { msg: string; status: string; labels: Record<string, string> }[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const exporter = logExporterFactory.create(
    { id: 'log', type: 'log', logger, clock: { now: () => 0 }, meter: createNoopMeter(), host: { quarantine: new BoundedQuarantine() } },
    logExporterFactory.createDefaultConfig(),
    { consume: async () => {} },
  );
  const labels = { alertname: 'IoraLatencyRegression', severity: 'high', service: 'shop', http_route: '/a' };
  await exporter.consume({
    resourceMetrics: [],
    alerts: [{ labels, annotations: { summary: 'p95 of /a is 0.24, 20.0% above its baseline 0.2' }, status: 'firing', startsAtMs: 0 }],
  });
  expect(lines.map((l) => [l.status, l.msg, l.labels])).toEqual([['firing', 'alert firing: p95 of /a is 0.24, 20.0% above its baseline 0.2', labels]]);
});
