// A real app under the agent (embedded mode, `node --import dist/instrumentation/register.js`) with a
// pipeline of agent receiver → baseline → prometheus exporter, scraped on the app's /metrics. The client
// controls the latency; the learned p95 must be within 5% of the p95 the client measured, and a restart
// (kill -9) must keep the baseline.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sortedQuantile } from '../../src/stats/descriptive.js';
import { MetricsScraper, spawnApp, type RunningApp } from '../instrumentation/harness.js';

const METRICS_PORT = 19710;
/** Measured requests; few in flight at once so the client itself stays light. */
const REQUESTS = 320;
const APP = fileURLToPath(new URL('./baseline-agent-app.mjs', import.meta.url));
const SERIES = { metric: 'http_server_request_duration_seconds', quantile: '0.95' };
const dir = mkdtempSync(join(tmpdir(), 'baseline-agent-'));
const config = join(dir, 'pipeline.yaml');
writeFileSync(
  config,
  `receivers:
  agent:
processors:
  baseline: { window: 2s, bucket: 2s, period: 2m, min_samples: 300, min_coverage: 0.05, store: ${join(dir, 'state.db')} }
exporters:
  prometheus: { endpoint: 127.0.0.1:${METRICS_PORT} }
service:
  pipelines:
    metrics: { receivers: [agent], processors: [baseline], exporters: [prometheus] }
`,
);

let app: RunningApp | undefined;
afterAll(async () => {
  await app?.stop();
  keepAlive.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const start = (): Promise<RunningApp> => spawnApp(APP, 'import', { IORA_CONFIG: config, OTEL_METRIC_EXPORT_INTERVAL: '500' });

/**
 * Deterministic lognormal delays (median 400 ms), clipped to 200–1000 ms: long enough that the client's own
 * overhead (tens of ms on a machine shared by many processes) stays inside the 5% the test allows.
 */
function delays(n: number): number[] {
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    return Math.round(Math.min(1000, Math.max(200, 400 * Math.exp(0.3 * z))));
  });
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One GET over a kept-alive connection; resolves with the latency in seconds once the body has ended. */
function timedGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get({ host: '127.0.0.1', port, path, agent: keepAlive }, (res) => {
        res.resume();
        res.on('end', () => resolve((performance.now() - t0) / 1000));
      })
      .on('error', reject);
  });
}

/** Sends the requests with `concurrency` in flight and returns each one's latency in seconds, as the client saw it. */
async function load(target: RunningApp, ms: number[], concurrency: number): Promise<number[]> {
  const seen: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ms.length) seen.push(await timedGet(target.port, `/work?ms=${ms[next++]!}`));
    }),
  );
  return seen;
}

describe('baseline under the agent', () => {
  it('publishes window quantiles, learns a ready baseline matching the client, and keeps it across kill -9', async () => {
    app = await start();
    const scraper = new MetricsScraper(`http://127.0.0.1:${METRICS_PORT}/metrics`);
    // The agent records from the moment its instrumentation is up; warm up one request at a time until
    // /metrics shows it, and count the warm-up in the client's sample too.
    const client: number[] = [];
    for (let served = 0; served === 0; served = scraper.total('http_server_request_duration_seconds_count')) {
      if (client.length >= 100) throw new Error('the agent never recorded a request');
      client.push(await timedGet(app.port, '/work?ms=1'));
      await new Promise((r) => setTimeout(r, 200));
      await scraper.refresh();
    }
    // Warm-ups sent after the collection that first showed one are exported later: count them all before
    // the load, waiting until the count holds over two export intervals.
    let servedBeforeLoad = scraper.total('http_server_request_duration_seconds_count');
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_100));
      await scraper.refresh();
      const served = scraper.total('http_server_request_duration_seconds_count');
      if (served === servedBeforeLoad) break;
      servedBeforeLoad = served;
    }
    client.push(...(await load(app, delays(REQUESTS), 10)));
    client.sort((a, b) => a - b);
    const clientP95 = sortedQuantile(client, 0.95);

    // The window quantile shows up while the series is active.
    await scraper.waitFor(() => scraper.points('iora_window_quantile', SERIES).length > 0, 'iora_window_quantile p95');
    const windowP95 = scraper.points('iora_window_quantile', SERIES)[0]!.value;
    expect(windowP95).toBeGreaterThan(0.2);
    expect(windowP95).toBeLessThan(1.1);

    // Once every bucket holding the load has closed, the baseline has seen every measured request (the
    // warm-up ones in the series' first export may be missing: a first cumulative point spanning more than
    // a bucket, 2 s here, is taken as history of unknown age).
    await scraper.waitFor(
      () => {
        const served = scraper.total('http_server_request_duration_seconds_count');
        const samples = scraper.total('iora_baseline_samples', { metric: SERIES.metric });
        return served === servedBeforeLoad + REQUESTS && samples >= REQUESTS && scraper.total('iora_baseline_ready', { metric: SERIES.metric }) === 1;
      },
      'a ready baseline of every measured request',
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${scraper.text.split('\n').filter((l) => /^(iora_baseline_(samples|ready)|http_server_request_duration_seconds_count)/.test(l)).join('\n')}`);
    });
    const learned = scraper.points('iora_baseline_quantile', SERIES)[0]!.value;
    expect(Math.abs(learned - clientP95) / clientP95, `baseline p95 ${learned} vs client ${clientP95}\n${scraper.text.split('\n').filter((l) => /^(iora_baseline_(samples|quantile)|http_server_request_duration_seconds_count)/.test(l)).join('\n')}`).toBeLessThan(0.05);
    const lower = scraper.points('iora_baseline_lower', SERIES)[0]!.value;
    const upper = scraper.points('iora_baseline_upper', SERIES)[0]!.value;
    expect(lower).toBeLessThanOrEqual(learned);
    expect(upper).toBeGreaterThanOrEqual(learned);

    // kill -9 and start again on the same store: the baseline is back with the first new requests.
    await app.stop();
    app = await start();
    await load(app, delays(20), 4);
    await scraper.waitFor(() => scraper.total('iora_baseline_ready', { metric: SERIES.metric }) === 1, 'the baseline after restart', 20_000);
    const restored = scraper.points('iora_baseline_samples', { metric: SERIES.metric })[0]!.value;
    expect(restored).toBeGreaterThanOrEqual(REQUESTS);
    const afterRestart = scraper.points('iora_baseline_quantile', SERIES)[0]!.value;
    expect(Math.abs(afterRestart - clientP95) / clientP95).toBeLessThan(0.05);
  });
});
