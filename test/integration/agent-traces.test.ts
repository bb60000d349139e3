// Spans leave the app only when the user asks for traces (OTEL_TRACES_EXPORTER=otlp): then the incoming
// request's W3C trace context is honoured and its server span is exported over OTLP/HTTP protobuf.
// Without it, nothing is sent to the traces endpoint even though DB/HTTP spans feed the metrics.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, MetricsScraper, spawnApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19462;

describe('agent trace export', () => {
  const bodies: Buffer[] = [];
  const sink = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      res.setHeader('content-type', 'application/x-protobuf');
      res.end();
    });
  });
  let tracesUrl = '';

  beforeAll(async () => {
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    tracesUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
  });

  afterAll(async () => {
    await new Promise((r) => sink.close(r));
  });

  const env = () => ({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracesUrl,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  });

  it('exports the server span under the caller’s trace id with OTEL_TRACES_EXPORTER=otlp', async () => {
    const app = await spawnApp(fixture('koa-app.mjs'), 'import', { ...env(), OTEL_TRACES_EXPORTER: 'otlp' });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await fetch(`http://127.0.0.1:${app.port}/orders/7`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      expect(res.status).toBe(200);
      await expect.poll(() => bodies.some((b) => b.includes(Buffer.from(traceId, 'hex'))), { timeout: 15_000 }).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('sends no spans by default', async () => {
    bodies.length = 0;
    const app = await spawnApp(fixture('koa-app.mjs'), 'import', env());
    try {
      for (let i = 0; i < 3; i++) expect((await app.get(`/orders/${i}`)).status).toBe(200);
      const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
      await metrics.waitFor(() => metrics.total('http_server_request_duration_seconds_count') === 3, '3 requests measured');
      await new Promise((r) => setTimeout(r, 600)); // three span-export periods
      expect(bodies).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
