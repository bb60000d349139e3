// The README's `NODE_OPTIONS="--import iora/register" npm start`: NODE_OPTIONS reaches npm itself as well as
// the app. The agent must stay out of npm, so that the app, not npm, owns the metrics port and its requests
// are what /metrics shows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esmRegister, fixture, MetricsScraper, spawnCommand, type RunningApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19460;

describe('agent through NODE_OPTIONS under npm start', () => {
  const metrics = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
  let app: RunningApp;

  beforeAll(async () => {
    app = await spawnCommand(
      'npm',
      ['start', '--silent'],
      {
        NODE_OPTIONS: `--import ${esmRegister}`,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
        OTEL_METRIC_EXPORT_INTERVAL: '300',
      },
      fixture('npm-project'),
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("measures the app's requests, and npm does not take the metrics port", async () => {
    for (let i = 0; i < 3; i++) expect(await app.get('/')).toEqual({ status: 200, body: 'hello' });
    await metrics.waitFor(() => metrics.total('http_server_request_duration_seconds_count') === 3, '3 app requests');
    expect(app.stderr()).not.toMatch(/in use|EADDRINUSE/i);
  });
});
