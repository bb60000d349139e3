// An ESM Express app under `node --import <repo>/dist/instrumentation/register.js`, querying the local
// PostgreSQL, MariaDB and Redis; the agent pushes OTLP/HTTP JSON (collector mode) to a sink in the test.
// Needs `npm run build` first (npm test does it).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, OtlpJsonSink, spawnApp, type RunningApp } from '../instrumentation/harness.js';

describe('agent in an ESM Express app', () => {
  const sink = new OtlpJsonSink();
  let app: RunningApp;

  beforeAll(async () => {
    const url = await sink.start();
    app = await spawnApp(fixture('express-app.mjs'), 'import', {
      IORA_COLLECTOR_ENDPOINT: url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      OTEL_SERVICE_NAME: 'express-under-test',
      TABLE_SUFFIX: 'esm',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sink.close();
  });

  it('times every request under its route template, not its URL', async () => {
    for (let i = 0; i < 7; i++) expect((await app.get(`/users/${i}`)).status).toBe(200);
    await app.get('/shop/items/42');
    const route = { 'http.route': '/users/:id', 'http.request.method': 'GET', 'http.response.status_code': 200 };
    await sink.waitFor(() => sink.total('http.server.request.duration', route) === 7, '7 /users/:id requests');
    const routes = sink.points('http.server.request.duration').map((p) => p.attributes['http.route']);
    expect(routes).not.toContain('/users/3');
    expect(routes.some((r) => typeof r === 'string' && r.includes('42'))).toBe(false);
    await sink.waitFor(() => sink.total('http.server.request.duration', { 'http.route': '/shop/items/:itemId' }) === 1, 'nested router route');
    expect(sink.resource['service.name']).toBe('express-under-test');
    expect(typeof sink.resource['service.instance.id']).toBe('string');
  });

  it('marks server errors with error.type', async () => {
    expect((await app.get('/boom')).status).toBe(500);
    await sink.waitFor(() => sink.total('http.server.request.duration', { 'http.route': '/boom', 'error.type': '500' }) === 1, '/boom as 500');
  });

  it('classifies PostgreSQL statements and counts bulk-inserted rows', async () => {
    await app.get('/users/1');
    expect((await app.get('/report')).status).toBe(200);
    expect((await app.get('/bulk/500', { method: 'POST' })).status).toBe(200);
    const pg = { 'db.system.name': 'postgresql' };
    await sink.waitFor(() => sink.total('db.client.operation.duration', { ...pg, 'iora.db.query_class': 'complex_join' }) === 1, 'one complex_join');
    await sink.waitFor(() => sink.total('iora.db.rows_inserted', { ...pg, 'db.collection.name': 'agent_orders_esm' }) === 500, '500 rows');
    expect(sink.total('db.client.operation.duration', { ...pg, 'iora.db.query_class': 'bulk_insert', 'db.collection.name': 'agent_orders_esm' })).toBe(1);
    expect(sink.total('db.client.operation.duration', { ...pg, 'iora.db.query_class': 'simple_select', 'db.collection.name': 'agent_users_esm' })).toBeGreaterThanOrEqual(8);
    // pg's own duration histogram (no query class) is dropped: every DB duration carries one.
    expect(sink.points('db.client.operation.duration').every((p) => typeof p.attributes['iora.db.query_class'] === 'string')).toBe(true);
    expect(sink.total('db.client.connection.wait_time', { 'db.client.connection.pool.name': '127.0.0.1:unknown_port/test' })).toBeGreaterThan(0);
  });

  it('counts one Redis miss then one hit', async () => {
    const key = `k${Date.now()}`;
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: false });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    const redis = { 'iora.cache.system': 'redis' };
    await sink.waitFor(() => sink.total('iora.cache.requests', { ...redis, 'iora.cache.result': 'hit' }) === 1, 'one hit');
    expect(sink.total('iora.cache.requests', { ...redis, 'iora.cache.result': 'miss' })).toBe(1);
    expect(sink.total('db.client.operation.duration', { 'db.system.name': 'redis', 'db.operation.name': 'GET' })).toBe(2);
    expect(sink.total('db.client.operation.duration', { 'db.system.name': 'redis', 'iora.db.query_class': 'write' })).toBe(1);
  });

  it('times mysql2 pool queries and the wait for a pooled connection', async () => {
    for (let i = 0; i < 3; i++) expect((await app.get(`/maria/${i}`)).status).toBe(200);
    await sink.waitFor(() => sink.total('db.client.operation.duration', { 'db.system.name': 'mysql' }) === 3, '3 mysql queries');
    expect(sink.total('db.client.operation.duration', { 'db.system.name': 'mysql', 'iora.db.query_class': 'simple_select' })).toBe(3);
    expect(sink.total('db.client.connection.wait_time', { 'db.client.connection.pool.name': '127.0.0.1:3306/test' })).toBe(3);
    await sink.waitFor(() => sink.total('db.client.connection.max', { 'db.client.connection.pool.name': '127.0.0.1:3306/test' }) === 2, 'mysql pool max');
  });

  it('reports process resources', async () => {
    await sink.waitFor(() => sink.points('process.memory.usage').length > 0, 'rss');
    for (const name of ['process.cpu.utilization', 'process.memory.virtual', 'v8js.memory.heap.used', 'nodejs.eventloop.utilization', 'process.disk.operations']) {
      expect(sink.points(name).length, name).toBeGreaterThan(0);
    }
    expect(sink.total('process.memory.usage')).toBeGreaterThan(10e6);
  });

  it('keeps serving when the route lookup throws, and logs nothing to stdout', async () => {
    const res = await app.get('/hostile');
    expect(res).toEqual({ status: 200, body: 'still fine' });
    expect((await app.get('/users/1')).status).toBe(200);
    expect(app.stdout().trim().split('\n')).toEqual([`listening ${app.port}`]);
  });
});
