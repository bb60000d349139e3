// The pipeline's self-telemetry: an OpenTelemetry SDK MeterProvider whose reader turns each collection
// into a batch (sdkToBatch) and hands it back to the service, so `iora_pipeline_*` series flow through the
// pipelines and reach the exporters like any other metric.
//
// Series (Prometheus names), labelled `component` (the id as configured) and, where it applies, `pipeline`:
//   iora_pipeline_points_received_total   points handed to a component (for receivers: accepted)
//   iora_pipeline_points_processed_total  points a processor forwarded (derived points included)
//   iora_pipeline_points_exported_total   points an exporter wrote
//   iora_pipeline_points_dropped_total    points/series dropped, label `reason` (max_series, export_failed …)
//   iora_pipeline_errors_total            batches a component failed on
//   iora_pipeline_latency_seconds         receiver → exporters time of one batch, per pipeline (histogram)

import { createNoopMeter, type Attributes as OtelAttributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Attributes, MetricBatch } from './model.js';
import { sdkToBatch } from './sdk-to-batch.js';

export const DEFAULT_TELEMETRY_RESOURCE: Attributes = { 'service.name': 'iora-collector' };

/** Latency buckets (seconds): a pass-through pipeline takes microseconds, a slow exporter seconds. */
const LATENCY_BOUNDARIES = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PipelineInstruments {
  received: Counter;
  processed: Counter;
  exported: Counter;
  dropped: Counter;
  errors: Counter;
  latency: Histogram;
}

export class SelfTelemetry {
  private readonly provider: MeterProvider | undefined;
  readonly instruments: PipelineInstruments;
  private accepting = true;

  /**
   * `deliver` receives each collection as a batch; undefined disables self-telemetry (meters are no-ops).
   */
  constructor(resource: Attributes, intervalMs: number, deliver: ((batch: MetricBatch) => Promise<void>) | undefined) {
    if (deliver) {
      const exporter: PushMetricExporter = {
        export: (rm, done) => {
          if (!this.accepting) return done({ code: ExportResultCode.SUCCESS });
          deliver(sdkToBatch(rm)).then(
            () => done({ code: ExportResultCode.SUCCESS }),
            (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
          );
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      };
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs, exportTimeoutMillis: intervalMs });
      this.provider = new MeterProvider({
        resource: resourceFromAttributes(resource),
        readers: [reader],
        views: [{ instrumentName: 'iora.pipeline.latency', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: LATENCY_BOUNDARIES } } }],
      });
    }
    const meter = this.meter('iora.pipeline');
    this.instruments = {
      received: meter.createCounter('iora.pipeline.points.received', { description: 'Points handed to a component', unit: '{point}' }),
      processed: meter.createCounter('iora.pipeline.points.processed', { description: 'Points a processor forwarded', unit: '{point}' }),
      exported: meter.createCounter('iora.pipeline.points.exported', { description: 'Points an exporter wrote', unit: '{point}' }),
      dropped: meter.createCounter('iora.pipeline.points.dropped', {
        description: 'Points or series a component dropped (caps, invalid data, failed exports)',
        unit: '{point}',
      }),
      errors: meter.createCounter('iora.pipeline.errors', { description: 'Batches a component failed on' }),
      latency: meter.createHistogram('iora.pipeline.latency', { description: 'Time from receiver to exporters for one batch', unit: 's' }),
    };
  }

  /** A meter for one component (scope `iora.<id>`); a no-op meter when self-telemetry is off. */
  meter(scope: string): Meter {
    return this.provider ? this.provider.getMeter(scope) : createNoopMeter();
  }

  /** Push what has been recorded so far through the pipelines (before processors and exporters stop). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.accepting = false;
    await this.provider?.shutdown();
  }
}

export function componentAttributes(component: string, pipeline?: string): OtelAttributes {
  return pipeline === undefined ? { component } : { component, pipeline };
}
