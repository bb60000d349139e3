// The agent in-process, with a stub pipeline: what the in-process reader delivers on shutdown (the flush a
// normal exit triggers), the public API, and that the pipeline's own server is not measured as the app's.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startAgent } from '../../instrumentation/agent.js';
import { business, cache } from '../../instrumentation/api.js';
import type { Metric, MetricBatch } from '../../src/pipeline/model.js';

function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

function metric(batches: MetricBatch[], name: string): Metric | undefined {
  const last = batches.at(-1);
  return last?.resourceMetrics.flatMap((rm) => rm.scopes.flatMap((s) => s.metrics)).find((m) => m.name === name);
}

function totals(m: Metric | undefined): number {
  if (!m) return 0;
  if (m.kind === 'gauge' || m.kind === 'sum') return m.points.reduce((s, p) => s + p.value, 0);
  return m.points.reduce((s, p) => s + p.count, 0);
}

describe('startAgent (embedded mode, stub pipeline)', () => {
  it('delivers a last batch on shutdown with app traffic, business counters and cache results', async () => {
    const batches: MetricBatch[] = [];
    const internal = await listen((_req, res) => res.end('metrics'));
    const internalPort = internal.port;
    const agent = startAgent({
      env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http', OTEL_SERVICE_NAME: 'unit' },
      cwd: process.cwd(),
      baseUrl: pathToFileURL(`${process.cwd()}/instrumentation/`).href,
      registerEsmHook: false,
      logger: pino({ level: 'silent' }),
      startPipeline: async (source, { ignoreServerPorts }) => {
        ignoreServerPorts([internalPort]);
        const unsubscribe = source.subscribe({ consume: async (b) => void batches.push(b) });
        return async () => unsubscribe();
      },
    });
    expect(agent).toBeDefined();
    const app = await listen((_req, res) => res.end('app'));
    try {
      for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${app.port}/orders/${i}`).then((r) => r.text());
      await fetch(`http://127.0.0.1:${internalPort}/metrics`).then((r) => r.text());
      business.recordsProcessed(500);
      business.analysisCompleted();
      business.transactionCommitted(2);
      await business.timeBlock(() => 42);
      cache.hit('lru');
      cache.miss('lru', 3);
      await agent?.shutdown();
      await agent?.shutdown(); // safe twice
    } finally {
      app.server.close();
      internal.server.close();
    }

    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.at(-1)?.resourceMetrics[0]?.resource['service.name']).toBe('unit');
    const requests = metric(batches, 'http.server.request.duration');
    expect(requests?.kind).toBe('exponential_histogram');
    expect(totals(requests)).toBe(3); // the internal /metrics request is not counted
    expect(requests?.points[0]?.attributes).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(totals(metric(batches, 'iora.records.processed'))).toBe(500);
    expect(totals(metric(batches, 'iora.analyses.completed'))).toBe(1);
    expect(totals(metric(batches, 'iora.transactions.committed'))).toBe(2);
    expect(totals(metric(batches, 'iora.block.processing.duration'))).toBe(1);
    const lookups = metric(batches, 'iora.cache.requests');
    const byResult = Object.fromEntries((lookups?.kind === 'sum' ? lookups.points : []).map((p) => [p.attributes['iora.cache.result'], p.value]));
    expect(byResult).toEqual({ hit: 1, miss: 3 });
  });

  it('the public API is a no-op without the agent', () => {
    expect(() => {
      cache.hit();
      business.recordsProcessed(10);
    }).not.toThrow();
  });

  it('does nothing when OTEL_SDK_DISABLED=true', () => {
    const agent = startAgent({
      env: { OTEL_SDK_DISABLED: 'true' },
      cwd: process.cwd(),
      baseUrl: pathToFileURL(`${process.cwd()}/instrumentation/`).href,
      registerEsmHook: false,
      logger: pino({ level: 'silent' }),
    });
    expect(agent).toBeUndefined();
  });
});
