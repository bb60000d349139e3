// The batch the crash test's child and parent both feed: one delta point of `count` samples in (2, 4].

import type { MetricBatch } from '../../src/pipeline/model.js';

export function hourBatch(timeMs: number, count: number): MetricBatch {
  return {
    resourceMetrics: [{
      resource: { 'service.name': 'crash-test' },
      scopes: [{ scope: { name: 'test' }, metrics: [{
        name: 'http.server.request.duration', description: '', unit: 's', kind: 'exponential_histogram', temporality: 'delta',
        points: [{ attributes: { 'http.route': '/a' }, startTimeMs: timeMs - 1000, timeMs, count, sum: count * 3, scale: 0, zeroCount: 0,
          positive: { offset: 1, bucketCounts: [count] }, negative: { offset: 0, bucketCounts: [] } }],
      }] }],
    }],
  };
}
