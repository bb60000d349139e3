// The demo target app (examples/demo-app.mjs) under the agent with no database reachable: it falls back to
// its in-memory store, and what it reports through iora's public API (app cache hits/misses, records,
// analyses, transactions, block time) reaches /metrics.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsScraper, repoRoot, spawnApp, type RunningApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19452;

describe('demo app under the agent, in-memory fallback', () => {
  const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
  let app: RunningApp;

  beforeAll(async () => {
    app = await spawnApp(`${repoRoot}/examples/demo-app.mjs`, 'import', {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:19453/none',
      REDIS_URL: 'redis://127.0.0.1:19454',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('serves every operation class and reports the business API', async () => {
    expect(JSON.parse((await app.get('/health')).body)).toEqual({ ok: true, backend: 'memory' });
    expect((await app.get('/users/7')).status).toBe(200);
    expect((await app.get('/users/7')).status).toBe(200);
    expect(JSON.parse((await app.get('/bulk/orders?count=250', { method: 'POST' })).body)).toEqual({ inserted: 250 });
    expect((await app.get('/analysis/revenue')).status).toBe(200);
    // The agent exports every 300 ms: wait for a collection after the last request (the analysis), or an
    // export between two requests shows the earlier ones only.
    await metrics.waitFor(() => metrics.total('iora_records_processed_total') === 250 && metrics.total('iora_analyses_completed_total') > 0, '250 records and the analysis');
    const appCache = { iora_cache_system: 'demo-memory' };
    expect(metrics.total('iora_cache_requests_total', { ...appCache, iora_cache_result: 'miss' })).toBe(1);
    expect(metrics.total('iora_cache_requests_total', { ...appCache, iora_cache_result: 'hit' })).toBe(1);
    expect(metrics.total('iora_analyses_completed_total')).toBe(1);
    expect(metrics.total('iora_transactions_committed_total')).toBe(1);
    expect(metrics.total('iora_block_processing_duration_seconds_count')).toBe(1);
    expect(metrics.total('http_server_request_duration_seconds_count', { http_route: '/users/:id' })).toBe(2);
  });
});
