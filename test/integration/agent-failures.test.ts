// The agent never hurts the app: a taken metrics port, garbage in IORA_* / OTEL_* variables, a broken
// pipeline config — the app answers exactly as without the agent, and stderr says what is wrong.
// Also: SIGTERM ends the app as it would without the agent, and a normal exit flushes the metrics.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, MetricsScraper, OtlpJsonSink, spawnApp, type RunningApp } from '../instrumentation/harness.js';

const TAKEN_PORT = 19440;
const METRICS_PORT = 19441;

describe('agent failure handling', () => {
  const running: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
  });

  async function start(file: string, preload: 'import' | 'require', env: Record<string, string>): Promise<RunningApp> {
    const app = await spawnApp(fixture(file), preload, env);
    running.push(app);
    return app;
  }

  it('keeps serving when the metrics port is taken, with one clear log line', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(TAKEN_PORT, '127.0.0.1', r));
    try {
      const app = await start('hello.cjs', 'require', { OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(TAKEN_PORT) });
      expect(await app.get('/')).toEqual({ status: 200, body: 'hello' });
      await expect.poll(() => app.stderr(), { timeout: 10_000 }).toMatch(/iora pipeline not started/);
      const lines = app.stderr().split('\n').filter((l) => l.includes(String(TAKEN_PORT)));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.some((l) => /in use|EADDRINUSE/i.test(l))).toBe(true);
      expect(await app.get('/')).toEqual({ status: 200, body: 'hello' });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('reports every garbage variable at once and still measures', async () => {
    const app = await start('hello.cjs', 'require', {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
      IORA_LOG_LEVEL: 'loud',
      IORA_DATA_DIR: '/definitely/not/here',
      IORA_COLLECTOR_ENDPOINT: 'not a url',
      IORA_LOGLEVEL: 'debug',
      OTEL_METRIC_EXPORT_INTERVAL: 'soon',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg,telepathy',
    });
    for (let i = 0; i < 4; i++) expect(await app.get(`/x/${i}`)).toEqual({ status: 200, body: 'hello' });
    const err = app.stderr();
    for (const name of ['IORA_LOG_LEVEL', 'IORA_DATA_DIR', 'IORA_COLLECTOR_ENDPOINT', 'IORA_LOGLEVEL', 'OTEL_METRIC_EXPORT_INTERVAL', 'telepathy']) {
      expect(err, name).toContain(name);
    }
    // Bad values fell back to defaults: embedded mode, 5 s interval, everything else instrumented.
    const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
    await metrics.waitFor(() => metrics.total('http_server_request_duration_seconds_count') === 4, '4 requests', 20_000);
    // The scrapes themselves hit the agent's own /metrics server, which is not measured as the app's.
    await new Promise((r) => setTimeout(r, 400));
    await metrics.refresh();
    expect(metrics.total('http_server_request_duration_seconds_count')).toBe(4);
    expect(app.stdout().trim()).toBe(`listening ${app.port}`);
  });

  it('keeps serving uninstrumented-for-export when the pipeline config is broken', async () => {
    const app = await start('hello.cjs', 'import', { IORA_CONFIG: fixture('broken-pipeline.yaml') });
    expect(await app.get('/')).toEqual({ status: 200, body: 'hello' });
    await expect.poll(() => app.stderr(), { timeout: 10_000 }).toMatch(/iora pipeline not started.*broken-pipeline\.yaml/);
    expect(await app.get('/')).toEqual({ status: 200, body: 'hello' });
  });

  it('lets SIGTERM end the app as it would without the agent', async () => {
    const app = await start('hello.cjs', 'import', { OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT) });
    const exited = new Promise<NodeJS.Signals | null>((r) => app.child.once('exit', (_code, signal) => r(signal)));
    app.child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
  });

  it('flushes what it measured when the app exits normally', async () => {
    const sink = new OtlpJsonSink();
    const url = await sink.start();
    try {
      const app = await start('short-lived.mjs', 'import', {
        IORA_COLLECTOR_ENDPOINT: url,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_METRIC_EXPORT_INTERVAL: '600000',
      });
      const code = await new Promise<number | null>((r) => {
        if (app.child.exitCode !== null) r(app.child.exitCode);
        else app.child.once('exit', (c) => r(c));
      });
      expect(code).toBe(0);
      expect(sink.total('http.server.request.duration')).toBe(3);
    } finally {
      await sink.close();
    }
  });
});
