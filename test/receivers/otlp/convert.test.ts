// Conversion rules the official exporters never exercise: invalid exponential histograms, staleness markers,
// nameless metrics, bad resources — on the decoded form both encodings share.

import { describe, expect, it } from 'vitest';
import { convertRequest } from '../../../src/receivers/otlp/convert.js';
import { MalformedError } from '../../../src/receivers/otlp/fields.js';

const T = '1700000000000000000';

function requestWith(metrics: object[], resourceAttributes: object[] = []): Record<string, unknown> {
  return { resourceMetrics: [{ resource: { attributes: resourceAttributes }, scopeMetrics: [{ scope: { name: 's', version: '1' }, metrics }] }] };
}

function expHistogram(point: object): object {
  return { name: 'e', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, ...point }] } };
}

describe('convertRequest', () => {
  it('keeps a valid exponential histogram whole, zero threshold included', () => {
    const { batch, rejectedPoints } = convertRequest(
      requestWith([
        expHistogram({
          count: '6',
          sum: 10,
          scale: -2,
          zeroCount: '1',
          zeroThreshold: 0.001,
          min: 0,
          max: 7,
          positive: { offset: -1, bucketCounts: ['2', '3'] },
        }),
      ]),
    );
    expect(rejectedPoints).toBe(0);
    expect(batch.resourceMetrics[0]?.scopes[0]?.metrics[0]?.points[0]).toEqual({
      attributes: {},
      startTimeMs: 0,
      timeMs: 1700000000000,
      count: 6,
      sum: 10,
      min: 0,
      max: 7,
      scale: -2,
      zeroCount: 1,
      zeroThreshold: 0.001,
      positive: { offset: -1, bucketCounts: [2, 3] },
      negative: { offset: 0, bucketCounts: [] },
    });
  });

  it.each([
    [{ count: '5', scale: 0, zeroCount: '1', positive: { bucketCounts: ['1'] } }, 'zeroCount and bucket counts add up to 2 but count is 5'],
    [{ count: '0', scale: 21 }, 'scale must be within [-10, 20], got 21'],
    [{ count: '-1', scale: 0 }, 'count must be a non-negative integer, got -1'],
    [{ count: 'many', scale: 0 }, 'count must be an integer, got "many"'],
    [{ count: '0', scale: 0, sum: 'Infinity' }, 'sum must be finite, got Infinity'],
  ])('rejects an invalid exponential histogram point %#', (point, reason) => {
    const { batch, rejectedPoints, reasons } = convertRequest(requestWith([expHistogram(point)]));
    expect([rejectedPoints, reasons]).toEqual([1, [`metric "e": ${reason}`]]);
    expect(batch.resourceMetrics).toEqual([]);
  });

  it('skips staleness markers (NO_RECORDED_VALUE) without counting them as rejected', () => {
    const { batch, acceptedPoints, rejectedPoints } = convertRequest(
      requestWith([{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: T, flags: 1 }, { timeUnixNano: T, asDouble: 2 }] } }]),
    );
    expect([acceptedPoints, rejectedPoints]).toEqual([1, 0]);
    expect(batch.resourceMetrics[0]?.scopes[0]).toMatchObject({ scope: { name: 's', version: '1' }, metrics: [{ name: 'g', points: [{ value: 2 }] }] });
  });

  it('rejects the points of a metric without a name', () => {
    const result = convertRequest(requestWith([{ gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }, { timeUnixNano: T, asDouble: 2 }] } }]));
    expect([result.rejectedPoints, result.reasons]).toEqual([2, ['metric without a name']]);
  });

  it('rejects non-increasing histogram bounds and a missing timestamp', () => {
    const result = convertRequest(
      requestWith([
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 2,
            dataPoints: [
              { timeUnixNano: T, count: '2', bucketCounts: ['1', '1', '0'], explicitBounds: [1, 1] },
              { count: '0' },
            ],
          },
        },
      ]),
    );
    expect(result.reasons).toEqual(['metric "h": explicitBounds must be strictly increasing', 'metric "h": timeUnixNano is missing']);
  });

  it('treats a count-only histogram (no buckets) as a single +Inf bucket', () => {
    const { batch } = convertRequest(requestWith([{ name: 'h', histogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: T, count: '4', sum: 2 }] } }]));
    expect(batch.resourceMetrics[0]?.scopes[0]?.metrics[0]?.points[0]).toMatchObject({ count: 4, bounds: [], bucketCounts: [4] });
  });

  it('a bad resource attribute makes the whole request malformed, naming where', () => {
    const bad = requestWith([{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }] } }], [{ key: 'pid', value: { intValue: 'x' } }]);
    expect(() => convertRequest(bad)).toThrow(MalformedError);
    expect(() => convertRequest(bad)).toThrow(/^resourceMetrics\[0\]\.resource\.attributes intValue must be an integer/);
  });

  it('names the path of a structural error inside a data point', () => {
    const bad = requestWith([{ name: 'g', gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1 }, { timeUnixNano: T, asDouble: 1, attributes: 'x' }] } }]);
    expect(() => convertRequest(bad)).toThrow('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[1].attributes must be a list');
  });
});

describe('nested attribute values', () => {
  function nested(levels: number): object {
    let value: object = { stringValue: 'x' };
    for (let i = 0; i < levels; i++) value = { arrayValue: { values: [value] } };
    return value;
  }
  const gauge = (value: object): object => ({
    name: 'g',
    gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 1, attributes: [{ key: 'k', value }] }] },
  });

  it('flattens up to 8 levels', () => {
    const { batch } = convertRequest(requestWith([gauge(nested(8))]));
    expect(batch.resourceMetrics[0]?.scopes[0]?.metrics[0]?.points[0]?.attributes).toEqual({ k: 'x' });
  });

  it('rejects deeper values instead of recursing without bound', () => {
    expect(convertRequest(requestWith([gauge(nested(50_000))])).reasons).toEqual([
      'metric "g": attribute values are nested deeper than 8 levels',
    ]);
  });
});
