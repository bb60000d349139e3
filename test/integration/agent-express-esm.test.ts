// An ESM Express app under `node --import <repo>/dist/instrumentation/register.js` in embedded mode (the
// default): the agent runs pipelines/default.yaml in-process and the test reads the app's own /metrics,
// as Prometheus would. The app queries the local PostgreSQL, MariaDB and Redis. Needs `npm run build` first.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, MetricsScraper, promtoolCheck, spawnApp, type RunningApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19420;

describe('agent in an ESM Express app (embedded mode, /metrics)', () => {
  const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
  let app: RunningApp;

  beforeAll(async () => {
    app = await spawnApp(fixture('express-app.mjs'), 'import', {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
      OTEL_METRIC_EXPORT_INTERVAL: '300',
      OTEL_SERVICE_NAME: 'express-under-test',
      TABLE_SUFFIX: 'esm',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('times every request under its route template, not its URL', async () => {
    for (let i = 0; i < 7; i++) expect((await app.get(`/users/${i}`)).status).toBe(200);
    await app.get('/shop/items/42');
    const route = { http_route: '/users/:id', http_request_method: 'GET', http_response_status_code: '200' };
    await metrics.waitFor(() => metrics.total('http_server_request_duration_seconds_count', route) === 7, '7 /users/:id requests');
    const routes = metrics.points('http_server_request_duration_seconds_count').map((p) => p.labels.http_route);
    expect(routes.some((r) => r !== undefined && /\/\d/.test(r))).toBe(false);
    await metrics.waitFor(
      () => metrics.total('http_server_request_duration_seconds_count', { http_route: '/shop/items/:itemId' }) === 1,
      'nested router route',
    );
    // Classic buckets include the spec's thresholds.
    const les = metrics.points('http_server_request_duration_seconds_bucket', route).map((p) => p.labels.le);
    expect(les).toEqual(expect.arrayContaining(['0.05', '0.2', '0.5', '1', '2', '5', '10', '+Inf']));
    expect(metrics.points('http_server_request_duration_seconds_count', route)[0]?.labels.job).toBe('express-under-test');
  });

  it('marks server errors with error.type', async () => {
    expect((await app.get('/boom')).status).toBe(500);
    await metrics.waitFor(
      () => metrics.total('http_server_request_duration_seconds_count', { http_route: '/boom', error_type: '500' }) === 1,
      '/boom as 500',
    );
  });

  it('classifies PostgreSQL statements and counts bulk-inserted rows', async () => {
    await app.get('/users/1');
    expect((await app.get('/report')).status).toBe(200);
    expect((await app.get('/bulk/500', { method: 'POST' })).status).toBe(200);
    const pg = { db_system_name: 'postgresql' };
    const ops = 'db_client_operation_duration_seconds_count';
    await metrics.waitFor(() => metrics.total(ops, { ...pg, iora_db_query_class: 'complex_join' }) === 1, 'one complex_join');
    await metrics.waitFor(
      () => metrics.total('iora_db_rows_inserted_total', { ...pg, db_collection_name: 'agent_orders_esm' }) === 500,
      '500 rows',
    );
    expect(metrics.total(ops, { ...pg, iora_db_query_class: 'bulk_insert', db_collection_name: 'agent_orders_esm' })).toBe(1);
    expect(metrics.total(ops, { ...pg, iora_db_query_class: 'simple_select', db_collection_name: 'agent_users_esm' })).toBeGreaterThanOrEqual(8);
    // pg's own duration histogram (no query class) is dropped: every DB duration carries one.
    expect(metrics.points(ops).every((p) => p.labels.iora_db_query_class !== undefined)).toBe(true);
    const pool = { db_client_connection_pool_name: '127.0.0.1:unknown_port/test' };
    expect(metrics.total('db_client_connection_wait_time_seconds_count', pool)).toBeGreaterThan(0);
    expect(metrics.total('db_client_connection_max', pool)).toBe(2);
  });

  it('counts one Redis miss then one hit', async () => {
    const key = `k${Date.now()}`;
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: false });
    expect(JSON.parse((await app.get(`/cache/${key}`)).body)).toEqual({ hit: true });
    const redis = { iora_cache_system: 'redis' };
    await metrics.waitFor(() => metrics.total('iora_cache_requests_total', { ...redis, iora_cache_result: 'hit' }) === 1, 'one hit');
    expect(metrics.total('iora_cache_requests_total', { ...redis, iora_cache_result: 'miss' })).toBe(1);
    const ops = 'db_client_operation_duration_seconds_count';
    expect(metrics.total(ops, { db_system_name: 'redis', db_operation_name: 'GET' })).toBe(2);
    expect(metrics.total(ops, { db_system_name: 'redis', iora_db_query_class: 'write' })).toBe(1);
  });

  it('times mysql2 pool queries and the wait for a pooled connection', async () => {
    for (let i = 0; i < 3; i++) expect((await app.get(`/maria/${i}`)).status).toBe(200);
    const ops = 'db_client_operation_duration_seconds_count';
    await metrics.waitFor(() => metrics.total(ops, { db_system_name: 'mysql' }) === 3, '3 mysql queries');
    expect(metrics.total(ops, { db_system_name: 'mysql', iora_db_query_class: 'simple_select' })).toBe(3);
    const pool = { db_client_connection_pool_name: '127.0.0.1:3306/test' };
    expect(metrics.total('db_client_connection_wait_time_seconds_count', pool)).toBe(3);
    expect(metrics.total('db_client_connection_max', pool)).toBe(2);
  });

  it('reports process resources', async () => {
    await metrics.refresh();
    for (const name of [
      'process_cpu_utilization_ratio',
      'process_memory_usage_bytes',
      'process_memory_virtual_bytes',
      'v8js_memory_heap_used_bytes',
      'nodejs_eventloop_utilization_ratio',
      'process_disk_operations_total',
    ]) {
      expect(metrics.points(name).length, name).toBeGreaterThan(0);
    }
    expect(metrics.total('process_memory_usage_bytes')).toBeGreaterThan(10e6);
  });

  it('serves /metrics that promtool accepts without findings', async () => {
    await metrics.refresh();
    const { code, output } = await promtoolCheck(metrics.text);
    expect(output.trim()).toBe('');
    expect(code).toBe(0);
    // Contract names ending in a reserved suffix stay as named, typed untyped.
    expect(metrics.text).toContain('# TYPE db_client_connection_count untyped');
  });

  it('keeps serving when the route lookup throws, and writes nothing to stdout', async () => {
    const res = await app.get('/hostile');
    expect(res).toEqual({ status: 200, body: 'still fine' });
    expect((await app.get('/users/1')).status).toBe(200);
    expect(app.stdout().trim().split('\n')).toEqual([`listening ${app.port}`]);
  });
});
