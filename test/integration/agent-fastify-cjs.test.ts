// A CommonJS Fastify app under `node --require <repo>/dist/instrumentation/register.cjs` (the esbuild bundle),
// with the node `redis` client, PostgreSQL and MariaDB pools of one connection each, so concurrent requests
// wait for a connection. Embedded mode: the test reads the app's own /metrics.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, MetricsScraper, spawnApp, type RunningApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19421;

describe('agent in a CommonJS Fastify app', () => {
  const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
  let app: RunningApp;

  beforeAll(async () => {
    app = await spawnApp(fixture('fastify-app.cjs'), 'require', {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      TABLE_SUFFIX: 'cjs',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('times requests under the Fastify route', async () => {
    for (let i = 0; i < 5; i++) expect((await app.get(`/items/${i}`)).status).toBe(200);
    const route = { http_route: '/items/:id', http_response_status_code: '200' };
    await metrics.waitFor(() => metrics.total('http_server_request_duration_seconds_count', route) === 5, '5 /items/:id requests');
    expect(metrics.points('http_server_request_duration_seconds_count').some((p) => p.labels.http_route === '/items/3')).toBe(false);
    const pgSelects = { db_system_name: 'postgresql', iora_db_query_class: 'simple_select' };
    expect(metrics.total('db_client_operation_duration_seconds_count', pgSelects)).toBe(5);
  });

  it('records the wait for a connection of a busy pg pool and mysql2 pool', async () => {
    await Promise.all(Array.from({ length: 4 }, () => app.get('/slow')));
    await Promise.all(Array.from({ length: 4 }, () => app.get('/maria/slow')));
    const pgPool = { db_client_connection_pool_name: '127.0.0.1:unknown_port/test' };
    const mariaPool = { db_client_connection_pool_name: '127.0.0.1:3306/test' };
    const waits = 'db_client_connection_wait_time_seconds';
    await metrics.waitFor(() => metrics.total(`${waits}_count`, mariaPool) === 4, '4 mysql2 pool waits');
    await metrics.waitFor(() => metrics.total(`${waits}_count`, pgPool) >= 4, 'pg pool waits');
    // Four 50 ms queries on one connection: the callers queued behind each other waited ≥ 50+100+150 ms in all.
    expect(metrics.total(`${waits}_sum`, pgPool)).toBeGreaterThan(0.25);
    expect(metrics.total(`${waits}_sum`, mariaPool)).toBeGreaterThan(0.25);
  });

  it('counts node-redis GET misses and hits', async () => {
    const key = `k${Date.now()}`;
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: false });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    const redis = { iora_cache_system: 'redis' };
    await metrics.waitFor(() => metrics.total('iora_cache_requests_total', { ...redis, iora_cache_result: 'hit' }) === 2, 'two hits');
    expect(metrics.total('iora_cache_requests_total', { ...redis, iora_cache_result: 'miss' })).toBe(1);
  });
});
