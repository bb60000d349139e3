// Request bodies for the receiver tests: valid ones made by the official OTLP serializers from a real
// MeterProvider, and hand-written OTLP/JSON for the cases the SDK never produces.

import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ExportMetricsServiceRequest } from '../../../src/receivers/otlp/proto.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** A collection holding a counter, a histogram and a gauge, with `seriesPerMetric` attribute sets each. */
export async function collectSample(serviceName = 'payload-svc', seriesPerMetric = 2): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [reader],
  });
  const meter = provider.getMeter('payloads');
  const counter = meter.createCounter('jobs.done');
  const histogram = meter.createHistogram('job.duration', { unit: 's' });
  const gauge = meter.createGauge('queue.size');
  for (let i = 0; i < seriesPerMetric; i++) {
    const attributes = { 'job.kind': `kind-${i}` };
    counter.add(i + 1, attributes);
    histogram.record(0.01 * (i + 1), attributes);
    gauge.record(i, attributes);
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

export async function validProtobuf(): Promise<Buffer> {
  return Buffer.from(ProtobufMetricsSerializer.serializeRequest(await collectSample()) as Uint8Array);
}

export async function validJson(): Promise<Buffer> {
  return Buffer.from(JsonMetricsSerializer.serializeRequest(await collectSample()) as Uint8Array);
}

/** Protobuf bytes of an OTLP/JSON-shaped object (for cases the official serializer cannot produce). */
export function protobufOf(request: object): Buffer {
  return Buffer.from(ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(request)).finish());
}

const T0 = '1700000000000000000';
const T1 = '1700000010500000000';

/** One valid point of each kind plus the invalid points a careless client sends (6 rejected). */
export const mixedRequest = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'mixed' } }] },
      scopeMetrics: [
        {
          scope: { name: 'hand-written' },
          metrics: [
            {
              name: 'good.gauge',
              gauge: {
                dataPoints: [
                  { timeUnixNano: T1, asDouble: 1.5 },
                  { timeUnixNano: T1, asDouble: 'NaN' },
                  { timeUnixNano: T1 },
                ],
              },
            },
            {
              name: 'good.sum',
              sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ startTimeUnixNano: T0, timeUnixNano: T1, asInt: '42' }] },
            },
            { name: 'unspecified.sum', sum: { aggregationTemporality: 0, dataPoints: [{ timeUnixNano: T1, asInt: 1 }] } },
            {
              name: 'good.histogram',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  { startTimeUnixNano: T0, timeUnixNano: T1, count: '3', sum: 0.6, bucketCounts: ['1', '2'], explicitBounds: [0.25] },
                  { startTimeUnixNano: T0, timeUnixNano: T1, count: '3', sum: 0.6, bucketCounts: ['1', '2'], explicitBounds: [0.25, 0.5] },
                  { startTimeUnixNano: T0, timeUnixNano: T1, count: '9', sum: 0.6, bucketCounts: ['1', '2'], explicitBounds: [0.25] },
                ],
              },
            },
            {
              name: 'quantiles',
              summary: { dataPoints: [{ timeUnixNano: T1, count: '1', sum: 1, quantileValues: [{ quantile: 0.5, value: 1 }] }] },
            },
          ],
        },
      ],
    },
  ],
};
