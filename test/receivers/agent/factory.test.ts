import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ComponentSettings, Consumer, Host } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { agentReceiverFactory } from '../../../src/receivers/agent/factory.js';

function settings(host: Host): ComponentSettings {
  return { id: 'agent', type: 'agent', logger: pino({ level: 'silent' }), clock: { now: () => 0 }, meter: metrics.getMeter('t'), host };
}

describe('agent receiver', () => {
  it('subscribes to the in-process source on start and unsubscribes on shutdown', async () => {
    const subscribers = new Set<Consumer>();
    const host: Host = {
      quarantine: new BoundedQuarantine(),
      inProcess: {
        subscribe(consumer) {
          subscribers.add(consumer);
          return () => subscribers.delete(consumer);
        },
      },
    };
    const got: MetricBatch[] = [];
    const receiver = agentReceiverFactory.create(settings(host), {}, { consume: async (b) => void got.push(b) });
    expect(subscribers.size).toBe(0);
    await receiver.start();
    const batch: MetricBatch = { resourceMetrics: [] };
    for (const s of subscribers) await s.consume(batch);
    expect(got).toEqual([batch]);
    await receiver.shutdown();
    await receiver.shutdown();
    expect(subscribers.size).toBe(0);
  });

  it('fails to start with a clear message outside the agent', async () => {
    const receiver = agentReceiverFactory.create(settings({ quarantine: new BoundedQuarantine() }), {}, { consume: async () => {} });
    await expect(receiver.start()).rejects.toThrow(/needs the in-process agent/);
  });
});
