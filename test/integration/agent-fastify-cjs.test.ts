// A CommonJS Fastify app under `node --require <repo>/dist/instrumentation/register.cjs` (the esbuild bundle),
// with the node `redis` client, PostgreSQL and MariaDB pools of one connection each, so concurrent requests
// wait for a connection. The agent pushes OTLP/HTTP JSON to a sink in the test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, OtlpJsonSink, spawnApp, type RunningApp } from '../instrumentation/harness.js';

describe('agent in a CommonJS Fastify app', () => {
  const sink = new OtlpJsonSink();
  let app: RunningApp;

  beforeAll(async () => {
    const url = await sink.start();
    app = await spawnApp(fixture('fastify-app.cjs'), 'require', {
      IORA_COLLECTOR_ENDPOINT: url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      TABLE_SUFFIX: 'cjs',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sink.close();
  });

  it('times requests under the Fastify route', async () => {
    for (let i = 0; i < 5; i++) expect((await app.get(`/items/${i}`)).status).toBe(200);
    const route = { 'http.route': '/items/:id', 'http.response.status_code': 200 };
    await sink.waitFor(() => sink.total('http.server.request.duration', route) === 5, '5 /items/:id requests');
    expect(sink.points('http.server.request.duration').some((p) => p.attributes['http.route'] === '/items/3')).toBe(false);
    expect(sink.total('db.client.operation.duration', { 'db.system.name': 'postgresql', 'iora.db.query_class': 'simple_select' })).toBe(5);
  });

  it('records the wait for a connection of a busy pg pool and mysql2 pool', async () => {
    await Promise.all(Array.from({ length: 4 }, () => app.get('/slow')));
    await Promise.all(Array.from({ length: 4 }, () => app.get('/maria/slow')));
    const pgPool = { 'db.client.connection.pool.name': '127.0.0.1:unknown_port/test' };
    const mariaPool = { 'db.client.connection.pool.name': '127.0.0.1:3306/test' };
    await sink.waitFor(() => sink.total('db.client.connection.wait_time', mariaPool) === 4, '4 mysql2 pool waits');
    await sink.waitFor(() => sink.total('db.client.connection.wait_time', pgPool) >= 4, 'pg pool waits');
    // Four 50 ms queries on one connection: the last caller waited for at least two of the others.
    expect(sink.points('db.client.connection.wait_time', pgPool)[0]?.max).toBeGreaterThan(0.09);
    expect(sink.points('db.client.connection.wait_time', mariaPool)[0]?.max).toBeGreaterThan(0.09);
  });

  it('counts node-redis GET misses and hits', async () => {
    const key = `k${Date.now()}`;
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: false });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    const redis = { 'iora.cache.system': 'redis' };
    await sink.waitFor(() => sink.total('iora.cache.requests', { ...redis, 'iora.cache.result': 'hit' }) === 2, 'two hits');
    expect(sink.total('iora.cache.requests', { ...redis, 'iora.cache.result': 'miss' })).toBe(1);
  });
});
