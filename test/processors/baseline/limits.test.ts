import { describe, expect, it } from 'vitest';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { baselineFactory } from '../../../src/processors/baseline/factory.js';
import { buildBatch, FakeClock, flattenPoints, testSettings } from '../step-harness.js';

function batch(routes: string[], atMs: number): MetricBatch {
  return buildBatch(
    [{ resource: { 'service.name': 'shop' }, metrics: [{ name: 'http.server.request.duration', kind: 'exponential_histogram', temporality: 'delta', unit: 's',
      points: routes.map((r) => ({ attributes: { 'http.route': r }, count: 2, sum: 3, positive: { offset: 0, bucketCounts: [2] } })) }] }],
    atMs,
  );
}

describe('baseline processor', () => {
  it('caps series, forwards the dropped ones untouched, and never modifies its input', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10));
    const outputs: MetricBatch[] = [];
    const p = baselineFactory.create(testSettings('baseline', clock), { ...baselineFactory.createDefaultConfig(), max_series: 2 }, { consume: async (b) => void outputs.push(b) });
    await p.start();
    const input = batch(['/a', '/b', '/c'], clock.ms);
    const before = structuredClone(input);
    await p.consume(input);
    expect(input).toEqual(before);
    const counted = flattenPoints(outputs[0]!, (n) => n === 'iora_window_count') as { attributes: Record<string, string> }[];
    expect(counted.map((c) => c.attributes.http_route)).toEqual(['/a', '/b']);
    expect(flattenPoints(outputs[0]!, (n) => n === 'http.server.request.duration')).toHaveLength(3);
    await p.shutdown();
    await p.shutdown();
  });

  it('keeps the source resource on derived series and skips its own derived scope', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 10));
    const outputs: MetricBatch[] = [];
    const p = baselineFactory.create(testSettings('baseline', clock), baselineFactory.createDefaultConfig(), { consume: async (b) => void outputs.push(b) });
    await p.start();
    await p.consume(batch(['/a'], clock.ms));
    const rm = outputs[0]!.resourceMetrics[0]!;
    expect(rm.resource).toEqual({ 'service.name': 'shop' });
    expect(rm.scopes.map((s) => s.scope.name)).toEqual(['test', 'iora.baseline']);
    // Feeding the output back (two baseline processors in a row) does not learn derived series.
    await p.consume(outputs[0]!);
    expect(outputs[1]!.resourceMetrics[0]!.scopes.filter((s) => s.scope.name === 'iora.baseline')).toHaveLength(2);
    await p.shutdown();
  });
});
