// Koa with @koa/router (ESM) under the agent: the route comes from the router's matched route.
// Collector mode: the agent pushes OTLP/HTTP JSON (OTEL_EXPORTER_OTLP_METRICS_PROTOCOL) to a sink in the test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, OtlpJsonSink, spawnApp, type RunningApp } from '../instrumentation/harness.js';

describe('agent in a Koa app', () => {
  const sink = new OtlpJsonSink();
  let app: RunningApp;

  beforeAll(async () => {
    const url = await sink.start();
    app = await spawnApp(fixture('koa-app.mjs'), 'import', {
      IORA_COLLECTOR_ENDPOINT: url,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sink.close();
  });

  it('records @koa/router route templates', async () => {
    for (const id of ['a1', 'b2', 'c3']) expect((await app.get(`/orders/${id}`)).status).toBe(200);
    expect((await app.get('/nowhere')).status).toBe(404);
    await sink.waitFor(() => sink.total('http.server.request.duration', { 'http.route': '/orders/:orderId' }) === 3, '3 koa routed requests');
    // An unmatched request has no route at all, never its raw path.
    await sink.waitFor(() => sink.total('http.server.request.duration', { 'http.response.status_code': 404 }) === 1, 'the 404');
    expect(sink.points('http.server.request.duration', { 'http.response.status_code': 404 })[0]?.attributes['http.route']).toBeUndefined();
  });
});
