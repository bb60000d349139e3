import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryQueue, type DeliveryPolicy } from '../../../src/exporters/delivery/delivery-queue.js';
import { postJson } from '../../../src/exporters/delivery/http.js';
import { deliveryTelemetry } from '../../../src/exporters/delivery/telemetry.js';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { CaptureServer } from './capture-server.js';

// A generous request timeout: on a loaded machine a short one would abort and re-send, duplicating bodies.
const policy: DeliveryPolicy = { timeoutMs: 20_000, queueSize: 100, initialBackoffMs: 20, maxBackoffMs: 100, maxBatch: 10 };

function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Polls get time: these tests share the machine with others. */
const POLL = { timeout: 20_000, interval: 20 };

interface Item {
  id: string;
  n: number;
}

let server: CaptureServer;
let queue: DeliveryQueue<Item> | undefined;

afterEach(async () => {
  await queue?.close(100);
  await server.close();
});

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** The queue's self-telemetry as the SDK reports it: `name{reason}` → value. */
async function counters(reader: PullReader): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const { resourceMetrics } = await reader.collect();
  for (const sm of resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const p of m.dataPoints) out[`${m.descriptor.name}${p.attributes.reason === undefined ? '' : `{${String(p.attributes.reason)}}`}`] = p.value as number;
    }
  }
  return out;
}

function queueTo(url: string, overrides: Partial<DeliveryPolicy> = {}, keyed = false) {
  const { logger, lines } = capturedLogger();
  const reader = new PullReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
  queue = new DeliveryQueue<Item>(
    { description: 'test receiver', send: (items, signal) => postJson(url, items, signal), ...(keyed ? { keyOf: (i: Item) => i.id } : {}) },
    { ...policy, ...overrides },
    logger,
    deliveryTelemetry(meter, 'webhook/test', 'test receiver'),
  );
  return { queue, lines, telemetry: () => counters(reader) };
}

const bodies = () => server.received.map((r) => r.body);

describe('DeliveryQueue', () => {
  it('delivers in order, several items per request', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    const { queue } = queueTo(url, { maxBatch: 2 });
    queue.enqueue([{ id: 'a', n: 1 }, { id: 'b', n: 1 }, { id: 'c', n: 1 }]);
    await server.waitFor(2);
    expect(bodies()).toEqual([[{ id: 'a', n: 1 }, { id: 'b', n: 1 }], [{ id: 'c', n: 1 }]]);
    await expect.poll(() => queue.delivered, POLL).toBe(3);
  });

  it('retries with backoff while the receiver fails and delivers what queued meanwhile when it is back', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    server.status = 503;
    const { queue, lines, telemetry } = queueTo(url);
    queue.enqueue([{ id: 'a', n: 1 }]);
    await expect.poll(() => server.attempts, POLL).toBeGreaterThan(1);
    expect((await telemetry())['iora.notifications.failed_attempts']).toBeGreaterThan(0);
    queue.enqueue([{ id: 'b', n: 1 }]);
    expect(server.received).toHaveLength(0);
    expect(queue.pending).toBe(2);
    server.status = 200;
    await expect.poll(() => queue.delivered, POLL).toBe(2);
    expect(bodies().flat()).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 1 }]);
    const warnings = lines.filter((l) => l.includes('delivery failed'));
    expect(warnings, 'one warning per outage, not one per retry').toHaveLength(1);
    expect(warnings[0]).toContain('HTTP 503');
    await expect.poll(() => lines.some((l) => l.includes('delivered again')), POLL).toBe(true);
  });

  it('survives a receiver that is not listening at all (connection refused)', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    const port = Number(new URL(url).port);
    await server.close();
    const { queue, lines } = queueTo(url);
    queue.enqueue([{ id: 'a', n: 1 }]);
    await expect.poll(() => lines.join(''), POLL).toContain('ECONNREFUSED');
    server = new CaptureServer();
    await server.listen(port);
    await server.waitFor(1);
    expect(bodies()).toEqual([[{ id: 'a', n: 1 }]]);
  });

  it('bounds the queue: the oldest are dropped, counted and logged once', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    server.status = 503;
    const { queue, lines, telemetry } = queueTo(url, { queueSize: 3 });
    queue.enqueue([1, 2, 3, 4, 5].map((n) => ({ id: String(n), n })));
    expect(queue.pending).toBe(3);
    expect(queue.dropped).toBe(2);
    server.status = 200;
    await server.waitFor(1);
    expect(bodies()).toEqual([[3, 4, 5].map((n) => ({ id: String(n), n }))]);
    expect(lines.filter((l) => l.includes('queue full'))).toHaveLength(1);
    await expect.poll(() => queue.delivered, POLL).toBe(3);
    expect(await telemetry()).toMatchObject({
      'iora.notifications.delivered': 3,
      'iora.notifications.dropped{queue_full}': 2,
    });
  });

  it('replaces a queued item with a newer one of the same key', async () => {
    // The receiver is not listening (connection refused) until the first attempt has failed; it comes
    // back during the 1 s backoff, so the next attempt is the first that can deliver.
    server = new CaptureServer();
    const url = await server.listen();
    const port = Number(new URL(url).port);
    await server.close();
    const { queue, lines } = queueTo(url, { initialBackoffMs: 1_000, maxBackoffMs: 1_000 }, true);
    queue.enqueue([{ id: 'a', n: 1 }, { id: 'b', n: 1 }]);
    await expect.poll(() => lines.join(''), POLL).toContain('ECONNREFUSED');
    queue.enqueue([{ id: 'a', n: 2 }]);
    expect(queue.pending).toBe(2);
    server = new CaptureServer();
    await server.listen(port);
    await expect.poll(() => queue.delivered, POLL).toBe(2);
    expect(bodies()).toEqual([[{ id: 'a', n: 2 }, { id: 'b', n: 1 }]]);
  });

  it('drops what the receiver rejects as invalid (4xx) instead of retrying it forever', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    server.status = 400;
    const { queue, lines, telemetry } = queueTo(url);
    queue.enqueue([{ id: 'a', n: 1 }]);
    await expect.poll(() => queue.dropped, POLL).toBe(1);
    expect(queue.pending).toBe(0);
    expect(lines.join('')).toContain('not retrying');
    expect(await telemetry()).toMatchObject({ 'iora.notifications.dropped{rejected}': 1 });
  });

  it('close waits for the queue to drain, and is safe twice', async () => {
    server = new CaptureServer();
    const url = await server.listen();
    const { queue } = queueTo(url);
    queue.enqueue([{ id: 'a', n: 1 }]);
    await queue.close(2_000);
    await queue.close(2_000);
    expect(bodies()).toEqual([[{ id: 'a', n: 1 }]]);
    queue.enqueue([{ id: 'late', n: 1 }]);
    expect(queue.pending).toBe(0);
  });
});
