// The I.O.R.A. profile end to end inside one process: latency recorded through the real OpenTelemetry
// SDK (exponential histograms, as the agent records them) flows through classify → baseline → validate
// → regression → leak → alert to the Prometheus exporter, with a fake clock driving a short baseline
// period. Proves the contract between the processors: classify's label reaches the baseline series,
// validate judges the learned p95 against the class's target once the baseline is ready.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import type { Consumer } from '../../src/pipeline/component.js';
import { loadConfig } from '../../src/pipeline/config.js';
import type { MetricBatch } from '../../src/pipeline/model.js';
import { sdkToBatch } from '../../src/pipeline/sdk-to-batch.js';
import { Service } from '../../src/pipeline/service.js';
import { FakeClock } from '../processors/step-harness.js';

const PROFILE = fileURLToPath(new URL('../../pipelines/iora.yaml', import.meta.url));
const PORT = 19802;

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const dataDir = mkdtempSync(join(tmpdir(), 'iora-t-validate-chain-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The SDK stamps points with the real time; the pipeline's clock is fake, so the points follow it. */
function atClockTime(batch: MetricBatch, nowMs: number): MetricBatch {
  for (const rm of batch.resourceMetrics) for (const sm of rm.scopes) for (const m of sm.metrics) for (const p of m.points) p.timeMs = nowMs;
  return batch;
}

function series(text: string, name: string, ...labels: string[]): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)));
}

it('learns a baseline for a classified route and judges its p95 against the simple_query target', async () => {
  const loaded = loadConfig(PROFILE, {
    IORA_DATA_DIR: dataDir,
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: String(PORT),
    IORA_BASELINE_WINDOW: '10s',
    IORA_BASELINE_PERIOD: '2m',
    IORA_BASELINE_BUCKET: '10s',
    IORA_API_RPS_SUSTAINED: '0',
    IORA_API_RPS_PEAK: '0',
  });
  expect(loaded.errors).toEqual([]);
  const clock = new FakeClock(Date.now());
  let agent: Consumer | undefined;
  const service = new Service(loaded.config!, {
    logger: pino({ level: 'silent' }),
    clock,
    host: { inProcess: { subscribe: (c) => ((agent = c), () => (agent = undefined)) } },
  });
  const reader = new PullReader();
  const provider = new MeterProvider({ views: [{ instrumentName: '*', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }], readers: [reader] });
  const duration = provider.getMeter('test').createHistogram('http.server.request.duration', { unit: 's' });
  const route = { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 200 };
  await service.start();
  try {
    // 20 steps of 10 s, 100 requests each, latency spread evenly over 0.50–0.70 s: p95 ≈ 0.69 s, above
    // the 0.55 s business target (0.5 s × 1.1); p99 ≈ 0.70 s, within the 1 s technical limit.
    for (let step = 0; step < 20; step++) {
      for (let i = 0; i < 100; i++) duration.record(0.5 + (0.2 * i) / 99, route);
      clock.ms += 10_000;
      const { resourceMetrics } = await reader.collect();
      await agent!.consume(atClockTime(sdkToBatch(resourceMetrics), clock.ms));
    }
    const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const cls = 'iora_operation_class="simple_query"';
    expect(series(text, 'http_server_request_duration_seconds_count', cls, 'http_route="/users/:id"')).toEqual([expect.stringMatching(/ 2000$/)]);
    expect(series(text, 'iora_baseline_ready', cls)).toEqual([expect.stringMatching(/ 1$/)]);
    const p95 = series(text, 'iora_baseline_quantile', cls, 'quantile="0.95"');
    expect(p95).toHaveLength(1);
    expect(Number(p95[0]!.split(' ').pop())).toBeGreaterThan(0.66);
    expect(series(text, 'iora_target_threshold', cls, 'target="p95"', 'kind="business"')).toEqual([expect.stringMatching(/ 0\.55\d*$/)]);
    expect(series(text, 'iora_target_breach', cls, 'target="p95"')).toEqual([expect.stringMatching(/ 1$/)]);
    expect(series(text, 'iora_target_breach', cls, 'target="p99"', 'kind="technical"')).toEqual([expect.stringMatching(/ 0$/)]);
  } finally {
    await provider.shutdown();
    await service.shutdown();
  }
});
