import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, type ExponentialHistogram } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { RequestDurationHistogram } from '../../../instrumentation/http/request-histogram.js';

async function points(h: RequestDurationHistogram) {
  const { resourceMetrics } = await h.collect();
  const metric = resourceMetrics.scopeMetrics[0]?.metrics[0];
  expect(metric?.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value as ExponentialHistogram }));
}

describe('RequestDurationHistogram', () => {
  it('keeps one cumulative exponential histogram per method/route/status', async () => {
    const h = new RequestDurationHistogram(resourceFromAttributes({ 'service.name': 's' }));
    for (const s of [0.01, 0.02, 0.04]) h.record('GET', 200, '/users/:id', s);
    h.record('GET', 500, '/users/:id', 1.5);
    h.record('POST', 200, undefined, 0.3);
    const first = await points(h);
    expect(first.map((p) => [p.attributes, p.value.count])).toEqual([
      [{ 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/users/:id' }, 3],
      [{ 'http.request.method': 'GET', 'http.response.status_code': 500, 'http.route': '/users/:id', 'error.type': '500' }, 1],
      [{ 'http.request.method': 'POST', 'http.response.status_code': 200 }, 1],
    ]);
    expect(first[0]?.value.min).toBe(0.01);
    expect(first[0]?.value.max).toBe(0.04);
    expect(first[0]?.value.sum).toBeCloseTo(0.07);
    h.record('GET', 200, '/users/:id', 0.05);
    expect((await points(h))[0]?.value.count).toBe(4); // cumulative
  });

  it('folds series beyond its cap into one overflow series', async () => {
    const h = new RequestDurationHistogram(resourceFromAttributes({}));
    for (let i = 0; i < 2005; i++) h.record('GET', 200, `/r${i}`, 0.001);
    const all = await points(h);
    expect(all).toHaveLength(2001);
    const overflow = all.find((p) => p.attributes['otel.metric.overflow'] === true);
    expect(overflow?.value.count).toBe(5);
  });

  it('reports nothing before the first request', async () => {
    const { resourceMetrics } = await new RequestDurationHistogram(resourceFromAttributes({})).collect();
    expect(resourceMetrics.scopeMetrics).toEqual([]);
  });
});
