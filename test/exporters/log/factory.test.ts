import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logExporterFactory } from '../../../src/exporters/log/factory.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';

describe('log exporter', () => {
  it('writes one readable line per metric at the configured level', async () => {
    const lines: { level: number; msg: string; service: string }[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const exporter = logExporterFactory.create(
      { id: 'log', type: 'log', logger, clock: { now: () => 0 }, meter: metrics.getMeter('t'), host: { quarantine: new BoundedQuarantine() } },
      { level: 'debug', max_points: 1 },
      { consume: async () => {} },
    );
    const batch: MetricBatch = {
      resourceMetrics: [
        {
          resource: { 'service.name': 'shop' },
          scopes: [
            {
              scope: { name: 's' },
              metrics: [
                {
                  kind: 'histogram',
                  name: 'http.server.request.duration',
                  description: '',
                  unit: 's',
                  temporality: 'cumulative',
                  points: [
                    { attributes: { 'http.route': '/a' }, startTimeMs: 0, timeMs: 1, count: 2, sum: 0.3, bounds: [1], bucketCounts: [2, 0] },
                    { attributes: { 'http.route': '/b' }, startTimeMs: 0, timeMs: 1, count: 1, sum: 2, bounds: [1], bucketCounts: [0, 1] },
                  ],
                },
                { kind: 'gauge', name: 'iora_regression_severity', description: '', unit: '', points: [{ attributes: {}, startTimeMs: 0, timeMs: 1, value: 3 }] },
              ],
            },
          ],
        },
      ],
    };
    await exporter.consume(batch);
    expect(lines.map((l) => [l.level, l.service, l.msg])).toEqual([
      [20, 'shop', 'http.server.request.duration (histogram, cumulative, s) 2 points: {http.route=/a} count=2 sum=0.3 (+1 more)'],
      [20, 'shop', 'iora_regression_severity (gauge) 1 points: 3'],
    ]);
  });
});
