// Embedded mode's metric reader: collects every `intervalMs` (and once more on shutdown), converts the SDK's
// collection to iora's batch model and hands it to every subscriber — the pipeline's `agent` receiver.
// It is the host's `inProcess` source. A failing subscriber is logged and never stops the others or the app.

import { MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { Logger } from 'pino';
import type { Consumer, InProcessSource } from '../src/pipeline/component.js';
import type { MetricBatch } from '../src/pipeline/model.js';
import { sdkToBatch } from '../src/pipeline/sdk-to-batch.js';

export class InProcessReader extends MetricReader implements InProcessSource {
  private readonly subscribers = new Set<Consumer>();
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly logger: Logger,
    metricProducers: MetricProducer[] = [],
  ) {
    super({ metricProducers });
  }

  protected override onInitialized(): void {
    this.timer = setInterval(() => void this.collectAndDeliver(), this.intervalMs);
    this.timer.unref();
  }

  subscribe(consumer: Consumer): () => void {
    this.subscribers.add(consumer);
    return () => this.subscribers.delete(consumer);
  }

  /** One collection, delivered to every subscriber; serialised so batches arrive in order. */
  collectAndDeliver(): Promise<void> {
    this.delivering = this.delivering.then(async () => {
      try {
        const { resourceMetrics, errors } = await this.collect();
        for (const err of errors) this.logger.warn({ err }, 'a metric callback failed during collection');
        if (this.subscribers.size === 0) return;
        await this.deliver(sdkToBatch(resourceMetrics));
      } catch (err) {
        this.logger.error({ err }, 'metric collection failed');
      }
    });
    return this.delivering;
  }

  private async deliver(batch: MetricBatch): Promise<void> {
    await Promise.all(
      [...this.subscribers].map((s) =>
        s.consume(batch).catch((err: unknown) => this.logger.error({ err }, 'the in-process pipeline rejected a batch')),
      ),
    );
  }

  protected override async onForceFlush(): Promise<void> {
    await this.collectAndDeliver();
  }

  protected override async onShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.collectAndDeliver();
  }
}
