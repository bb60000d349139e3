import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ComponentSettings } from '../../src/pipeline/component.js';
import type { MetricBatch } from '../../src/pipeline/model.js';
import { createProcessor } from '../../src/pipeline/processor-helper.js';
import { BoundedQuarantine } from '../../src/pipeline/quarantine.js';
import { gaugeBatch } from './recording-components.js';

function settings(lines: unknown[]): ComponentSettings {
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return {
    id: 'pass',
    type: 'pass',
    logger,
    clock: { now: () => 42_000 },
    meter: metrics.getMeter('test'),
    host: { quarantine: new BoundedQuarantine() },
  };
}

describe('createProcessor', () => {
  it('forwards what a pass-through step returns, with the clock time in the context', async () => {
    const out: MetricBatch[] = [];
    const seen: number[] = [];
    const processor = createProcessor(settings([]), { consume: async (b) => void out.push(b) }, {
      process: (batch, ctx) => {
        seen.push(ctx.nowMs);
        return batch;
      },
    });
    const batch = gaugeBatch('m', 1);
    await processor.start();
    await processor.consume(batch);
    await processor.shutdown();
    await processor.shutdown();
    expect(out).toEqual([batch]);
    expect(seen).toEqual([42_000]);
  });

  it('forwards the batch unchanged when the step throws, logging each kind of error once', async () => {
    const lines: { msg?: string; err?: { message: string } }[] = [];
    const out: MetricBatch[] = [];
    const processor = createProcessor(settings(lines), { consume: async (b) => void out.push(b) }, {
      process: () => {
        throw new Error('bad step');
      },
    });
    const batch = gaugeBatch('m', 1);
    await processor.consume(batch);
    await processor.consume(batch);
    expect(out).toEqual([batch, batch]);
    expect(lines.filter((l) => l.err?.message === 'bad step')).toHaveLength(1);
  });

  it('calls the step shutdown only after its start, once', async () => {
    const calls: string[] = [];
    const step = {
      process: (b: MetricBatch) => b,
      start: async () => void calls.push('start'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const never = createProcessor(settings([]), { consume: async () => {} }, step);
    await never.shutdown();
    const once = createProcessor(settings([]), { consume: async () => {} }, step);
    await once.start();
    await once.shutdown();
    await once.shutdown();
    expect(calls).toEqual(['start', 'shutdown']);
  });

  it('logs a drop reason once', async () => {
    const lines: { reason?: string }[] = [];
    const processor = createProcessor(settings(lines), { consume: async () => {} }, {
      process: (b, ctx) => {
        ctx.drop(3, 'max_series');
        return b;
      },
    });
    await processor.consume(gaugeBatch('m', 1));
    await processor.consume(gaugeBatch('m', 1));
    expect(lines.filter((l) => l.reason === 'max_series')).toHaveLength(1);
  });
});
