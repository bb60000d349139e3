import { describe, expect, it } from 'vitest';
import { alertmanagerFactory } from '../../../src/exporters/alertmanager/factory.js';
import { targets } from '../../../src/exporters/alertmanager/config.js';
import { toPostableAlert } from '../../../src/exporters/alertmanager/payload.js';
import type { Alert } from '../../../src/pipeline/model.js';

const firing: Alert = {
  labels: { alertname: 'IoraTargetBreach', severity: 'medium', service: 'shop' },
  annotations: { summary: 'P95 value 0.61 s exceeds business target 0.55 s' },
  status: 'firing',
  startsAtMs: Date.parse('2026-01-05T10:00:00Z'),
  generatorURL: 'http://grafana:3000/d/iora-overview',
};

describe('alertmanager exporter', () => {
  it('writes API v2 postable alerts: no endsAt while firing, endsAt once resolved', () => {
    expect(toPostableAlert(firing)).toEqual({
      labels: firing.labels,
      annotations: firing.annotations,
      startsAt: '2026-01-05T10:00:00.000Z',
      generatorURL: 'http://grafana:3000/d/iora-overview',
    });
    expect(toPostableAlert({ ...firing, status: 'resolved', endsAtMs: firing.startsAtMs + 90_000 })).toMatchObject({
      startsAt: '2026-01-05T10:00:00.000Z',
      endsAt: '2026-01-05T10:01:30.000Z',
    });
  });

  it('sends to `urls` (every member of an HA pair) when given, else to `url`', () => {
    const defaults = alertmanagerFactory.createDefaultConfig();
    expect(targets(defaults)).toEqual(['http://127.0.0.1:9093']);
    expect(targets({ ...defaults, urls: ['http://am-0:9093', 'http://am-1:9093'] })).toEqual(['http://am-0:9093', 'http://am-1:9093']);
  });

  it('reports every config problem with its path', () => {
    const issues = alertmanagerFactory.validate({
      ...alertmanagerFactory.createDefaultConfig(),
      urls: ['http://am-0:9093', 'am-1:9093'],
      timeout: '0s',
      queue_size: 1.5,
    });
    expect(issues).toEqual([
      { path: 'timeout', message: 'must be greater than zero' },
      { path: 'queue_size', message: 'must be an integer ≥ 1' },
      { path: 'urls::1', message: 'must be an http:// or https:// URL' },
    ]);
    expect(alertmanagerFactory.validate({ ...alertmanagerFactory.createDefaultConfig(), url: '' })).toEqual([
      { path: 'url', message: 'must be set (an http:// or https:// URL)' },
    ]);
  });
});
