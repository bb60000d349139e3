// Records values through the real OpenTelemetry SDK (a MeterProvider with an exponential- or
// explicit-histogram view and a pull reader) and returns the collected point in iora's model,
// so sketch tests run on what the agent really produces, not on hand-built buckets.

import { AggregationTemporality, AggregationType, MeterProvider, MetricReader, type AggregationOption } from '@opentelemetry/sdk-metrics';
import type { ExponentialHistogramPoint, HistogramPoint, Metric } from '../../src/pipeline/model.js';
import { sdkToBatch } from '../../src/pipeline/sdk-to-batch.js';

class PullReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export class SdkHistogramRecorder {
  private readonly reader: PullReader;
  private readonly provider: MeterProvider;
  private readonly histogram;

  constructor(aggregation: AggregationOption, temporality = AggregationTemporality.CUMULATIVE) {
    this.reader = new PullReader(temporality);
    this.provider = new MeterProvider({ views: [{ instrumentName: '*', aggregation }], readers: [this.reader] });
    this.histogram = this.provider.getMeter('iora-test').createHistogram('test.duration', { unit: 's' });
  }

  record(values: Iterable<number>): void {
    for (const v of values) this.histogram.record(v);
  }

  async collect(): Promise<Metric | undefined> {
    const { resourceMetrics } = await this.reader.collect();
    return sdkToBatch(resourceMetrics).resourceMetrics[0]?.scopes[0]?.metrics[0];
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/** Record `values` once and return the exponential histogram point (SDK defaults: 160 buckets). */
export async function recordExponential(values: Iterable<number>, maxSize?: number): Promise<ExponentialHistogramPoint> {
  const rec = new SdkHistogramRecorder({ type: AggregationType.EXPONENTIAL_HISTOGRAM, ...(maxSize ? { options: { maxSize } } : {}) });
  rec.record(values);
  const m = await rec.collect();
  await rec.shutdown();
  if (m?.kind !== 'exponential_histogram' || !m.points[0]) throw new Error('no exponential histogram collected');
  return m.points[0];
}

/** Record `values` once with explicit buckets and return the histogram point. */
export async function recordExplicit(values: Iterable<number>, boundaries: number[]): Promise<HistogramPoint> {
  const rec = new SdkHistogramRecorder({ type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries } });
  rec.record(values);
  const m = await rec.collect();
  await rec.shutdown();
  if (m?.kind !== 'histogram' || !m.points[0]) throw new Error('no histogram collected');
  return m.points[0];
}
