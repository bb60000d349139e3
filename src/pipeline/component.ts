// The component model, after the OpenTelemetry Collector: every receiver, processor and exporter is
// made by a factory with a type name, a default config, a validation and `create(settings, config, next)`.
// Lifecycle contract: `start()` returns quickly (background work is unref'ed and cancellable);
// `shutdown()` is safe without `start()` and safe twice. The service starts exporters, then
// processors, then receivers, and shuts them down in reverse, collecting every error.

import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { MetricBatch } from './model.js';

export type ComponentKind = 'receiver' | 'processor' | 'exporter';

/** Time source. Detectors read time only from here so tests can drive it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Anything that accepts batches: the next processor, a fan-out to exporters. Never rejects for bad data. */
export interface Consumer {
  consume(batch: MetricBatch): Promise<void>;
}

export interface Component {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

export type Receiver = Component;
export interface Processor extends Component, Consumer {}
export interface Exporter extends Component, Consumer {}

/** Where the in-process (agent) receiver gets its batches: the preload agent's metric reader. */
export interface InProcessSource {
  /** Deliver every collected batch to `consumer` until the returned function is called. */
  subscribe(consumer: Consumer): () => void;
}

/**
 * Series whose recent windows must not be learned as normal (a regression in progress). The regression
 * processor holds a series; the baseline processor skips learning from held series. Keys: `seriesKey()`.
 */
export interface Quarantine {
  hold(seriesKey: string, untilMs: number): void;
  release(seriesKey: string): void;
  isHeld(seriesKey: string, nowMs: number): boolean;
}

/** What the process embedding the pipeline offers to components; one per running service. */
export interface Host {
  inProcess?: InProcessSource;
  quarantine: Quarantine;
}

export interface ComponentSettings {
  /** `type` or `type/name`, as written in the config (`regression/p99`). */
  id: string;
  type: string;
  logger: Logger;
  clock: Clock;
  /** For the component's self-telemetry; its series flow through the pipeline like any other. */
  meter: Meter;
  host: Host;
}

/** One problem in a component's config. `path` is relative to the component, `::`-separated (`thresholds::high`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export interface Factory<C extends object = object, T extends Component = Component> {
  kind: ComponentKind;
  type: string;
  /** Pure; every key a user may set is present here (keys absent here are rejected as unknown). */
  createDefaultConfig(): C;
  /**
   * Paths (`::`-separated) of objects whose keys the user chooses (e.g. `operations`): keys under them are
   * not checked against the defaults; `validate` checks their values instead.
   */
  freeformKeys?: readonly string[];
  /** Check a config already merged over the defaults; report every problem, never throw. */
  validate(config: C): ConfigIssue[];
  create(settings: ComponentSettings, config: C, next: Consumer): T;
}
