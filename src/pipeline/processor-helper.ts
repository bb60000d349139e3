// Like the Collector's processorhelper: a processor author writes one step, `(batch, ctx) => batch`, and
// this wraps it into a Processor that forwards the result to the next consumer, counts what it drops and
// what fails in self-telemetry, and never stalls the pipeline: a step that throws is logged once per kind
// of error and the batch it failed on is forwarded unchanged.
//
//   export const factory: Factory<MyConfig, Processor> = {
//     kind: 'processor', type: 'my', createDefaultConfig: () => ({ ... }), validate: checkMyConfig,
//     create: (settings, config, next) => createProcessor(settings, next, new MyStep(config)),
//   };
//
// Steps return a new batch (or the same one); they must not mutate batches they did not create in ways
// that other pipelines could observe, since a receiver's batch may be shared by several pipelines.

import type { Counter } from '@opentelemetry/api';
import type { ComponentSettings, Consumer, Processor } from './component.js';
import type { MetricBatch } from './model.js';

export interface StepContext {
  readonly settings: ComponentSettings;
  /** `settings.clock.now()` when the step began: one time for the whole batch. */
  readonly nowMs: number;
  /** Count points (or series) the step deliberately dropped; `reason` is a short snake_case word (`max_series`). */
  drop(count: number, reason: string): void;
}

export interface ProcessorStep {
  process(batch: MetricBatch, ctx: StepContext): MetricBatch | Promise<MetricBatch>;
  /** Open stores, start timers (unref them). Called once. */
  start?(): Promise<void>;
  /** Flush and close. Called at most once, and only after `start` (or not at all). */
  shutdown?(): Promise<void>;
}

/** Distinct error kinds remembered for log-once; beyond this every error is still counted, not logged. */
const MAX_LOGGED_ERROR_KINDS = 100;

class HelperProcessor implements Processor {
  private readonly errors: Counter;
  private readonly drops: Counter;
  private readonly loggedErrors = new Set<string>();
  private readonly loggedDrops = new Set<string>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly settings: ComponentSettings,
    private readonly next: Consumer,
    private readonly step: ProcessorStep,
  ) {
    this.errors = settings.meter.createCounter('iora.pipeline.errors', {
      description: 'Batches a component failed on (the batch was forwarded unchanged or dropped)',
    });
    this.drops = settings.meter.createCounter('iora.pipeline.points.dropped', {
      description: 'Points or series a component deliberately dropped (caps, invalid data)',
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.step.start?.();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.started) await this.step.shutdown?.();
  }

  async consume(batch: MetricBatch): Promise<void> {
    let out = batch;
    try {
      out = await this.step.process(batch, this.context());
    } catch (err) {
      this.failed(err);
    }
    await this.next.consume(out);
  }

  private context(): StepContext {
    return {
      settings: this.settings,
      nowMs: this.settings.clock.now(),
      drop: (count, reason) => this.dropped(count, reason),
    };
  }

  private dropped(count: number, reason: string): void {
    if (count <= 0) return;
    this.drops.add(count, { component: this.settings.id, reason });
    if (!this.loggedDrops.has(reason) && this.loggedDrops.size < MAX_LOGGED_ERROR_KINDS) {
      this.loggedDrops.add(reason);
      this.settings.logger.warn({ component: this.settings.id, reason }, 'dropping data (%s); counted in iora_pipeline_points_dropped_total, logged once', reason);
    }
  }

  private failed(err: unknown): void {
    const kind = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.errors.add(1, { component: this.settings.id });
    if (!this.loggedErrors.has(kind) && this.loggedErrors.size < MAX_LOGGED_ERROR_KINDS) {
      this.loggedErrors.add(kind);
      this.settings.logger.error(
        { component: this.settings.id, err },
        'processor step failed; forwarding the batch unchanged (this error is logged once, counted in iora_pipeline_errors_total)',
      );
    }
  }
}

/** Wraps `step` into a Processor feeding `next`. See the file comment. */
export function createProcessor(settings: ComponentSettings, next: Consumer, step: ProcessorStep): Processor {
  return new HelperProcessor(settings, next, step);
}
