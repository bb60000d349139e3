// Runs a ServiceConfig: builds the component graph, starts it (exporters → processors → receivers) and
// shuts it down in reverse, collecting every error.
//
// Graph, as in the Collector: a receiver listed by several pipelines is one instance fanning out to all
// of them (pipelines after the first get a copy of the batch, so one pipeline's processors cannot affect
// another's); each pipeline has its own instance of every processor it lists (a processor id used by two
// pipelines is two instances with separate state); an exporter listed by several pipelines is one
// instance fed by all of them.

import type { Logger } from 'pino';
import type { Clock, Component, ComponentKind, ComponentSettings, Consumer, Factory, Host } from './component.js';
import { systemClock } from './component.js';
import { defaultFactories, type Factories, type ServiceConfig } from './config.js';
import { parseDuration } from './duration.js';
import { countPoints, type Attributes, type MetricBatch } from './model.js';
import { BoundedQuarantine } from './quarantine.js';
import { DEFAULT_TELEMETRY_RESOURCE, SelfTelemetry, type PipelineInstruments } from './telemetry.js';

export interface ServiceOptions {
  logger: Logger;
  clock?: Clock;
  /** What the embedding process offers: the agent passes its in-process source. Quarantine defaults to a bounded map. */
  host?: Partial<Host>;
  factories?: Factories;
  /** Resource of the self-telemetry series; the agent passes its own, the collector uses service.name iora-collector. */
  resource?: Attributes;
}

interface Running {
  kind: ComponentKind;
  id: string;
  pipeline?: string;
  component: Component;
}

/** Consumes into several consumers at once; one failing consumer does not stop the others. */
class FanOut implements Consumer {
  constructor(
    private readonly targets: readonly Consumer[],
    private readonly copyForOthers: boolean,
  ) {}

  async consume(batch: MetricBatch): Promise<void> {
    if (this.targets.length === 1) return (this.targets[0] as Consumer).consume(batch);
    await Promise.all(this.targets.map((t, i) => t.consume(i > 0 && this.copyForOthers ? structuredClone(batch) : batch)));
  }
}

export class Service {
  readonly host: Host;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly factories: Factories;
  private readonly telemetry: SelfTelemetry;
  private readonly instruments: PipelineInstruments;
  /** Entry consumer of each pipeline, for self-telemetry; filled by start(). */
  private readonly pipelineEntries: Consumer[] = [];
  /** Every created component, in start order. On any failure all of them are shut down (safe without start). */
  private components: Running[] = [];
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  /** Self-telemetry flows only while every component is up: after start, until the final flush. */
  private telemetryFlowing = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly config: ServiceConfig,
    options: ServiceOptions,
  ) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.factories = options.factories ?? defaultFactories;
    this.host = { ...options.host, quarantine: options.host?.quarantine ?? new BoundedQuarantine() };
    const metrics = config.telemetry.metrics;
    this.telemetry = new SelfTelemetry(
      options.resource ?? DEFAULT_TELEMETRY_RESOURCE,
      parseDuration(metrics.interval) ?? 10_000,
      metrics.enabled ? (batch) => this.deliverTelemetry(batch) : undefined,
    );
    this.instruments = this.telemetry.instruments;
  }

  /** Builds and starts every component. On a failure, shuts down what started and rejects naming the component. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the pipeline service cannot start: it is ${this.state}`);
    this.state = 'starting';
    try {
      const exporters = this.buildExporters();
      const entries = new Map<string, Consumer>();
      for (const pipeline of this.config.pipelines) {
        const fanout = new FanOut(pipeline.exporters.map((id) => exporters.get(id) as Consumer), false);
        let next: Consumer = fanout;
        for (const id of [...pipeline.processors].reverse()) next = this.buildProcessor(id, pipeline.name, next);
        const entry = this.timed(pipeline.name, next);
        entries.set(pipeline.name, entry);
        this.pipelineEntries.push(entry);
      }
      this.buildReceivers(entries);
      // Created in start order: exporters, processors nearest the exporters first, receivers last.
      for (const r of this.components) {
        // shutdown() called while starting (an app exiting early) has already stopped every component.
        if (this.stopRequested()) return;
        try {
          await r.component.start();
        } catch (err) {
          throw new Error(`cannot start ${r.kind} "${r.id}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
    } catch (err) {
      await this.shutdown().catch((shutdownErr: unknown) => this.logger.error({ err: shutdownErr }, 'shutdown after a failed start also failed'));
      throw err;
    }
    if (this.stopRequested()) return;
    this.state = 'running';
    this.telemetryFlowing = true;
    this.logger.info(
      { pipelines: this.config.pipelines.map((p) => p.name), components: this.components.length },
      'pipeline service started',
    );
  }

  /** Reverse order (receivers first), every error collected. Safe without start and twice. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.stopAll();
    return this.shutdownPromise;
  }

  private stopRequested(): boolean {
    return this.state === 'stopped';
  }

  private async stopAll(): Promise<void> {
    this.state = 'stopped';
    const errors: Error[] = [];
    const stop = async (r: Running): Promise<void> => {
      try {
        await r.component.shutdown();
      } catch (err) {
        errors.push(new Error(`${r.kind} "${r.id}": ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
      }
    };
    const reversed = [...this.components].reverse();
    for (const r of reversed.filter((c) => c.kind === 'receiver')) await stop(r);
    // Last self-telemetry through the still-running processors and exporters.
    await this.telemetry.flush().catch((err: unknown) => errors.push(err instanceof Error ? err : new Error(String(err))));
    this.telemetryFlowing = false;
    for (const r of reversed.filter((c) => c.kind !== 'receiver')) await stop(r);
    await this.telemetry.shutdown().catch((err: unknown) => errors.push(err instanceof Error ? err : new Error(String(err))));
    this.components = [];
    if (errors.length > 0) {
      throw new AggregateError(errors, `pipeline shutdown: ${errors.map((e) => e.message).join('; ')}`);
    }
  }

  private settings(kind: ComponentKind, id: string, pipeline?: string): ComponentSettings {
    const type = id.split('/')[0] as string;
    return {
      id,
      type,
      logger: this.logger.child(pipeline === undefined ? { kind, component: id } : { kind, component: id, pipeline }),
      clock: this.clock,
      meter: this.telemetry.meter(`iora.${kind}.${id}`),
      host: this.host,
    };
  }

  private factory(kind: ComponentKind, type: string): Factory {
    const list = kind === 'receiver' ? this.factories.receivers : kind === 'processor' ? this.factories.processors : this.factories.exporters;
    const factory = list.find((f) => f.type === type);
    if (!factory) throw new Error(`no ${kind} factory of type "${type}"`);
    return factory;
  }

  private create(kind: ComponentKind, id: string, next: Consumer, pipeline?: string): Component {
    const section = kind === 'receiver' ? this.config.receivers : kind === 'processor' ? this.config.processors : this.config.exporters;
    const entry = section.get(id);
    if (!entry) throw new Error(`${kind} "${id}" is used by a pipeline but not configured`);
    try {
      const component = this.factory(kind, entry.type).create(this.settings(kind, id, pipeline), entry.config, next);
      this.components.push({ kind, id, component, ...(pipeline === undefined ? {} : { pipeline }) });
      return component;
    } catch (err) {
      throw new Error(`cannot create ${kind} "${id}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** One instance per exporter id, wrapped so a failing export is counted and logged, never thrown upstream. */
  private buildExporters(): Map<string, Consumer> {
    const out = new Map<string, Consumer>();
    const ids = [...new Set(this.config.pipelines.flatMap((p) => p.exporters))];
    for (const id of ids) {
      const exporter = this.create('exporter', id, { consume: async () => {} }) as Component & Consumer;
      const attrs = { component: id };
      const { received, exported, dropped, errors } = this.instruments;
      let lastLogged = '';
      out.set(id, {
        consume: async (batch) => {
          const points = countPoints(batch);
          received.add(points, attrs);
          try {
            await exporter.consume(batch);
            exported.add(points, attrs);
          } catch (err) {
            dropped.add(points, { ...attrs, reason: 'export_failed' });
            errors.add(1, attrs);
            const message = err instanceof Error ? err.message : String(err);
            // Logged when the error changes, so a down backend does not flood the log.
            if (message !== lastLogged) {
              lastLogged = message;
              this.logger.error({ component: id, err }, 'export failed; the batch was dropped for this exporter');
            }
          }
        },
      });
    }
    return out;
  }

  private buildProcessor(id: string, pipeline: string, next: Consumer): Consumer {
    const attrs = { component: id, pipeline };
    const { received, processed } = this.instruments;
    const counted: Consumer = {
      consume: (batch) => {
        processed.add(countPoints(batch), attrs);
        return next.consume(batch);
      },
    };
    const processor = this.create('processor', id, counted, pipeline) as Component & Consumer;
    return {
      consume: (batch) => {
        received.add(countPoints(batch), attrs);
        return processor.consume(batch);
      },
    };
  }

  private buildReceivers(entries: Map<string, Consumer>): void {
    const ids = [...new Set(this.config.pipelines.flatMap((p) => p.receivers))];
    for (const id of ids) {
      const targets = this.config.pipelines.filter((p) => p.receivers.includes(id)).map((p) => entries.get(p.name) as Consumer);
      const fanout = new FanOut(targets, true);
      const attrs = { component: id };
      this.create('receiver', id, {
        consume: (batch) => {
          this.instruments.received.add(countPoints(batch), attrs);
          return fanout.consume(batch);
        },
      });
    }
  }

  /** Pipeline latency: from the receiver's hand-off until every exporter has finished. */
  private timed(pipeline: string, next: Consumer): Consumer {
    const attrs = { pipeline };
    return {
      consume: async (batch) => {
        const started = performance.now();
        try {
          await next.consume(batch);
        } finally {
          this.instruments.latency.record((performance.now() - started) / 1000, attrs);
        }
      },
    };
  }

  private async deliverTelemetry(batch: MetricBatch): Promise<void> {
    if (!this.telemetryFlowing) return;
    await new FanOut(this.pipelineEntries, true).consume(batch);
  }
}
