// Every factory in src/components.ts obeys the component contract: its default config validates, a
// component shuts down safely without start, and start → consume → shutdown → shutdown works.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as components from '../../src/components.js';
import type { ComponentSettings, Consumer, Factory, Host } from '../../src/pipeline/component.js';
import type { MetricBatch } from '../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../src/pipeline/quarantine.js';
import { gaugeBatch } from './recording-components.js';

const all: Factory[] = [...components.receivers, ...components.processors, ...components.exporters];

/** Listen on free loopback ports instead of the well-known defaults, which other processes may hold. */
function runnableHere(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(runnableHere);
  if (typeof config !== 'object' || config === null) return config;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = k === 'endpoint' && typeof v === 'string' && /:\d+$/.test(v) ? '127.0.0.1:0' : runnableHere(v);
  return out;
}

function settings(factory: Factory, host: Host): ComponentSettings {
  return {
    id: factory.type,
    type: factory.type,
    logger: pino({ level: 'silent' }),
    clock: { now: () => 1_700_000_000_000 },
    meter: metrics.getMeter('conformance'),
    host,
  };
}

// Stores with relative default paths (./data/…) land in a scratch directory.
const previousCwd = process.cwd();
beforeAll(() => process.chdir(mkdtempSync(join(tmpdir(), 'iora-conformance-'))));
afterAll(() => process.chdir(previousCwd));

describe.each(all.map((f) => [`${f.kind} ${f.type}`, f] as const))('%s', (_name, factory) => {
  it('has a default config that validates', () => {
    expect(factory.validate(factory.createDefaultConfig())).toEqual([]);
  });

  it('shuts down safely without start, twice', async () => {
    const host: Host = { quarantine: new BoundedQuarantine() };
    const component = factory.create(settings(factory, host), runnableHere(factory.createDefaultConfig()) as object, { consume: async () => {} });
    await component.shutdown();
    await component.shutdown();
  });

  it('starts, consumes, and shuts down twice', async () => {
    const subscribers: Consumer[] = [];
    const host: Host = {
      quarantine: new BoundedQuarantine(),
      inProcess: {
        subscribe: (c) => {
          subscribers.push(c);
          return () => subscribers.splice(subscribers.indexOf(c), 1);
        },
      },
    };
    const forwarded: MetricBatch[] = [];
    const component = factory.create(settings(factory, host), runnableHere(factory.createDefaultConfig()) as object, {
      consume: async (b) => void forwarded.push(b),
    });
    await component.start();
    if ('consume' in component) await (component as unknown as Consumer).consume(gaugeBatch('conformance.gauge', 1));
    for (const s of subscribers) await s.consume(gaugeBatch('conformance.gauge', 1));
    if (factory.kind === 'processor') expect(forwarded.length).toBeGreaterThan(0);
    await component.shutdown();
    await component.shutdown();
  });
});
