// Test doubles for the engine: factories whose components record lifecycle events and batches, so tests
// can assert start/shutdown order and what flowed where.

import type { ComponentSettings, Consumer, Factory } from '../../src/pipeline/component.js';
import type { Factories } from '../../src/pipeline/config.js';
import { createProcessor } from '../../src/pipeline/processor-helper.js';
import type { MetricBatch } from '../../src/pipeline/model.js';

export interface Recorder {
  events: string[];
  /** Batches each exporter id received. */
  exported: Map<string, MetricBatch[]>;
  /** Push into a receiver by id. */
  receivers: Map<string, Consumer>;
  /** Ids whose start() should fail. */
  failStart: Set<string>;
}

export function newRecorder(): Recorder {
  return { events: [], exported: new Map(), receivers: new Map(), failStart: new Set() };
}

function lifecycle(rec: Recorder, settings: ComponentSettings, pipelineTag = '') {
  const name = `${settings.id}${pipelineTag}`;
  return {
    async start() {
      rec.events.push(`start ${name}`);
      if (rec.failStart.has(settings.id)) throw new Error('boom');
    },
    async shutdown() {
      rec.events.push(`shutdown ${name}`);
    },
  };
}

export function recordingFactories(rec: Recorder): Factories {
  const receiver: Factory<{ label: string }> = {
    kind: 'receiver',
    type: 'rec',
    createDefaultConfig: () => ({ label: '' }),
    validate: () => [],
    create: (settings, _config, next) => {
      rec.receivers.set(settings.id, next);
      return lifecycle(rec, settings);
    },
  };
  /** Appends its `tag` to the name of every metric: the chain order shows in the output. */
  const tagger: Factory<{ tag: string; limits: { max: number } }> = {
    kind: 'processor',
    type: 'tag',
    createDefaultConfig: () => ({ tag: 'x', limits: { max: 10 } }),
    validate: (c) => (c.limits.max > 100 ? [{ path: 'limits::max', message: 'must be at most 100' }] : []),
    create: (settings, config, next) => {
      const pipeline = (settings.logger.bindings() as { pipeline?: string }).pipeline ?? '';
      const { start, shutdown } = lifecycle(rec, settings, `@${pipeline}`);
      return createProcessor(settings, next, {
        start,
        shutdown,
        process: (batch) => ({
          ...batch,
          resourceMetrics: batch.resourceMetrics.map((rm) => ({
            ...rm,
            scopes: rm.scopes.map((s) => ({ ...s, metrics: s.metrics.map((m) => ({ ...m, name: `${m.name}.${config.tag}` })) })),
          })),
        }),
      });
    },
  };
  const exporter: Factory = {
    kind: 'exporter',
    type: 'mem',
    createDefaultConfig: () => ({}),
    validate: () => [],
    create: (settings) => ({
      ...lifecycle(rec, settings),
      async consume(batch: MetricBatch) {
        const list = rec.exported.get(settings.id) ?? [];
        list.push(batch);
        rec.exported.set(settings.id, list);
      },
    }),
  };
  return { receivers: [receiver], processors: [tagger], exporters: [exporter] };
}

export function gaugeBatch(name: string, value: number, service = 'svc'): MetricBatch {
  return {
    resourceMetrics: [
      {
        resource: { 'service.name': service },
        scopes: [
          {
            scope: { name: 'test' },
            metrics: [{ kind: 'gauge', name, description: '', unit: '', points: [{ attributes: {}, startTimeMs: 0, timeMs: 1000, value }] }],
          },
        ],
      },
    ],
  };
}
