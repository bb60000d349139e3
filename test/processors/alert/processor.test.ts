import { describe, expect, it } from 'vitest';
import { alertFactory } from '../../../src/processors/alert/factory.js';
import { AlertBook } from '../../../src/processors/alert/internal/alert-book.js';
import type { AlertConfig } from '../../../src/processors/alert/config.js';
import type { Finding, MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { FakeClock, flattenPoints, mergeConfig, testSettings } from '../step-harness.js';

const T0 = Date.parse('2026-01-05T10:00:00Z');
const shop = { 'service.name': 'shop', 'service.instance.id': 'i-1' };

async function alertChain(user: Partial<AlertConfig> = {}) {
  const clock = new FakeClock(T0);
  const config = mergeConfig(alertFactory.createDefaultConfig(), user);
  expect(alertFactory.validate(config)).toEqual([]);
  let last: MetricBatch | undefined;
  const processor = alertFactory.create(testSettings('alert', clock, { quarantine: new BoundedQuarantine() }), config, {
    consume: async (b) => void (last = b),
  });
  await processor.start();
  return {
    clock,
    async feed(findings: Finding[], resourceMetrics: MetricBatch['resourceMetrics'] = []): Promise<MetricBatch> {
      await processor.consume({ resourceMetrics, findings });
      return last!;
    },
    shutdown: () => processor.shutdown(),
  };
}

function finding(kind: string, labels: Record<string, string>, extra: Partial<Finding> = {}): Finding {
  return { kind, resource: shop, labels, message: `${kind} on ${JSON.stringify(labels)}`, timeMs: T0, ...extra };
}

describe('alert processor', () => {
  it('names alerts after DESIGN.md for every kind of finding and labels them with service, instance and the series', async () => {
    const chain = await alertChain();
    const out = await chain.feed([
      finding('regression', { metric: 'http_server_request_duration_seconds', signal: 'latency', quantile: '0.95' }, { severity: 'high' }),
      finding('regression', { metric: 'http_server_request_duration_seconds', signal: 'error_ratio' }, { severity: 'medium' }),
      finding('regression', { metric: 'http_server_request_duration_seconds', signal: 'throughput' }, { severity: 'critical' }),
      finding('target_breach', { metric: 'http_server_request_duration_seconds', kind: 'business' }, { severity: 'medium', values: { current: 0.61, target: 0.55 } }),
      finding('resource_limit', { metric: 'process_memory_usage_bytes' }),
      finding('memory_growth', { metric: 'process_memory_usage_bytes' }, { severity: 'critical' }),
      finding('validation', { metric: 'x' }),
    ]);
    expect(out.alerts!.map((a) => [a.labels.alertname, a.labels.severity])).toEqual([
      ['IoraLatencyRegression', 'high'],
      ['IoraErrorRateRegression', 'medium'],
      ['IoraThroughputDrop', 'critical'],
      ['IoraTargetBreach', 'medium'],
      ['IoraResourceLimit', 'high'],
      ['IoraMemoryGrowth', 'critical'],
    ]);
    expect(out.alerts![3]).toMatchObject({
      status: 'firing',
      startsAtMs: T0,
      labels: { alertname: 'IoraTargetBreach', service: 'shop', instance: 'i-1', metric: 'http_server_request_duration_seconds', kind: 'business' },
      annotations: { summary: expect.stringContaining('target_breach') as unknown, current: '0.61', target: '0.55' },
    });
    expect(out.alerts![0]!.labels).not.toHaveProperty('signal');
    await chain.shutdown();
  });

  it('resolves an alert whose findings stopped for resolve_timeout, and re-sends firing ones every resend_interval', async () => {
    const chain = await alertChain({ resend_interval: '1m', resolve_timeout: '3m' });
    const breach = finding('target_breach', { metric: 'm' }, { severity: 'high' });
    expect((await chain.feed([breach])).alerts).toMatchObject([{ status: 'firing' }]);
    chain.clock.ms = T0 + 30_000;
    expect((await chain.feed([breach])).alerts ?? []).toEqual([]);
    chain.clock.ms = T0 + 60_000;
    expect((await chain.feed([])).alerts).toMatchObject([{ status: 'firing', startsAtMs: T0 }]);
    chain.clock.ms = T0 + 30_000 + 180_000;
    expect((await chain.feed([])).alerts).toMatchObject([{ status: 'resolved', startsAtMs: T0, endsAtMs: T0 + 210_000 }]);
    await chain.shutdown();
  });

  it('publishes iora_alerts_firing by alertname and severity, back to 0 when resolved', async () => {
    const chain = await alertChain();
    const a = finding('memory_growth', { metric: 'rss' }, { severity: 'critical' });
    const b = finding('memory_growth', { metric: 'heap' }, { severity: 'critical' });
    const gauge = (batch: MetricBatch) => flattenPoints(batch, (n) => n === 'iora_alerts_firing');
    const appRm = [{ resource: shop, scopes: [] }];
    const first = await chain.feed([a, b], appRm);
    expect(gauge(first)).toEqual([{ metric: 'iora_alerts_firing', attributes: { alertname: 'IoraMemoryGrowth', severity: 'critical' }, value: 2 }]);
    expect(first.resourceMetrics, 'added to the resource the alerts are about').toHaveLength(1);
    const after = await chain.feed([{ ...a, resolved: true }, { ...b, resolved: true }]);
    expect(gauge(after)).toEqual([{ metric: 'iora_alerts_firing', attributes: { alertname: 'IoraMemoryGrowth', severity: 'critical' }, value: 0 }]);
    expect(after.resourceMetrics[0]!.resource).toEqual(shop);
    await chain.shutdown();
  });

  it('keeps iora_alerts_firing for at most `history` resources, never dropping one with alerts firing', async () => {
    const chain = await alertChain({ history: 2 });
    const on = (service: string) => ({ ...finding('memory_growth', { metric: 'rss' }, { severity: 'high' }), resource: { 'service.name': service } });
    await chain.feed([on('a'), on('b')]);
    await chain.feed([{ ...on('a'), resolved: true }]);
    const out = await chain.feed([on('c')]);
    const services = out.resourceMetrics.map((rm) => rm.resource['service.name']).sort();
    expect(services, 'a (nothing firing) made room for c; b is still firing').toEqual(['b', 'c']);
    await chain.shutdown();
  });

  it('points generatorURL at the Grafana dashboard with the service and metric as variables', async () => {
    const chain = await alertChain({ grafana_url: 'http://grafana.local:3000/d/iora-baselines' });
    const out = await chain.feed([finding('regression', { metric: 'http_server_request_duration_seconds', signal: 'latency' }, { severity: 'high' })]);
    expect(out.alerts![0]!.generatorURL).toBe('http://grafana.local:3000/d/iora-baselines?var-service=shop&var-metric=http_server_request_duration_seconds');
    await chain.shutdown();
  });

  it('keeps the NEWEST `history` alert events (the specification keeps the oldest)', () => {
    const book = new AlertBook({ cooldownMs: 0, resendIntervalMs: 60_000, resolveTimeoutMs: 300_000, history: 1000, grafanaUrl: '' });
    for (let i = 0; i < 1500; i++) book.apply(finding('target_breach', { metric: `m${i}` }, { severity: 'high' }), T0 + i);
    const kept = book.history().map((e) => e.alert.labels.metric);
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toBe('m1499');
    expect(kept[999]).toBe('m500');
  });

  it('reports every config problem with its path', () => {
    const issues = alertFactory.validate({ cooldown: 'x', resend_interval: '0s', resolve_timeout: '5m', history: 0, grafana_url: 'grafana' });
    expect(issues.map((i) => i.path)).toEqual(['cooldown', 'resend_interval', 'history', 'grafana_url']);
  });
});
