#!/usr/bin/env node
// Memory and per-batch time of the baseline processor with a full period learned: 7 days of hourly
// buckets (7d/1h, the defaults) for 1,000 and 10,000 series, state in a SQLite file. Each size runs in
// its own process so RSS is its own. Two batches per simulated hour, each new objects as the OTLP
// receiver decodes them: one just after the hour (closes the previous bucket for every series: store
// writes, expiry, seasonality) and one mid-hour (the steady path). The batch output is held until the
// next one, as an exporter holds what it serves. Target: 10k series within 256 MB RSS, measured as the
// process's peak (VmHWM), not after a forced collection. The longest stall is the longest the event
// loop was blocked (the processor gives it back every few ms). Needs `npm run build`.
//
//   node bench/baseline-memory.mjs [--sizes 1000,10000] [--days 7] [--embedded] [--max-old-space MB]
//
// The measured process applies the collector's heap policy (src/cli/heap-policy.ts), as `iora
// collector` does; --embedded leaves V8's defaults, as in an application running the agent.
// --max-old-space passes --max-old-space-size to the measured process.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createNoopMeter } from '@opentelemetry/api';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { baselineFactory } from '../dist/src/processors/baseline/factory.js';
import { sdkToBatch } from '../dist/src/pipeline/sdk-to-batch.js';
import { applyCollectorHeapPolicy } from '../dist/src/cli/heap-policy.js';

const HOUR = 3_600_000;
const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000' }, days: { type: 'string', default: '7' }, child: { type: 'string' }, embedded: { type: 'boolean', default: false }, 'max-old-space': { type: 'string' } },
});

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  async onShutdown() {}
  async onForceFlush() {}
}

/** 64 realistic hourly sketches (lognormal latencies, various medians) recorded by the real SDK. */
async function sketchPool() {
  const reader = new PullReader();
  const provider = new MeterProvider({ views: [{ instrumentName: '*', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }], readers: [reader] });
  const h = provider.getMeter('bench').createHistogram('x', { unit: 's' });
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 64; k++) {
    for (let i = 0; i < 500; i++) {
      const z = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
      h.record(0.02 * (1 + k / 16) * Math.exp(0.5 * z), { k });
    }
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return sdkToBatch(resourceMetrics).resourceMetrics[0].scopes[0].metrics[0].points;
}

/** The process's highest RSS so far (the kernel's high-water mark): what a memory limit has to allow. */
function peakRss() {
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (hwm === null) throw new Error('no VmHWM in /proc/self/status');
  return Number(hwm[1]) * 1024;
}

function quantileOf(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function child(series, days) {
  if (!values.embedded) applyCollectorHeapPolicy();
  const pool = await sketchPool();
  const dir = mkdtempSync(join(tmpdir(), 'baseline-bench-'));
  let now = Date.UTC(2026, 0, 1);
  const settings = {
    id: 'baseline', type: 'baseline', logger: pino({ level: 'silent' }), clock: { now: () => now }, meter: createNoopMeter(),
    host: { quarantine: { hold() {}, release() {}, isHeld: () => false } },
  };
  const config = { ...baselineFactory.createDefaultConfig(), store: join(dir, 'state.db'), max_series: series, max_series_per_metric: series };
  let last;
  const processor = baselineFactory.create(settings, config, { consume: async (b) => void (last = b) });
  await processor.start();
  // Every batch is new objects, as the OTLP receiver decodes them: what the processor keeps of a batch
  // (window, pending deltas) costs memory the way it would in a collector.
  const batchAt = (timeMs) => ({ resourceMetrics: [{ resource: { 'service.name': 'bench' }, scopes: [{ scope: { name: 'bench' }, metrics: [
    { name: 'http.server.request.duration', description: '', unit: 's', kind: 'exponential_histogram', temporality: 'delta', points: Array.from({ length: series }, (_, i) => {
      const p = pool[i % pool.length];
      return { ...p, positive: { offset: p.positive.offset, bucketCounts: p.positive.bucketCounts.slice() }, negative: { offset: 0, bucketCounts: [] },
        attributes: { 'http.route': `/r/${i}`, 'http.request.method': 'GET' }, startTimeMs: timeMs - 60_000, timeMs };
    }) },
  ] }] }] });
  const closing = [];
  const steady = [];
  // The longest the event loop was blocked during batches: what an embedding app's requests would wait.
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  for (let h = 0; h < days * 24 + 2; h++) {
    for (const [offset, times] of [[60_000, closing], [30 * 60_000, steady]]) {
      now = Date.UTC(2026, 0, 1) + h * HOUR + offset;
      const batch = batchAt(now);
      const t0 = performance.now();
      await processor.consume(batch);
      times.push(performance.now() - t0);
      // Batches arrive from I/O: the loop turns between them (and the stall monitor gets its sample).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  stalls.disable();
  const rssEnd = process.memoryUsage.rss();
  globalThis.gc?.();
  const { heapUsed, external } = process.memoryUsage();
  // Check the work was done: every series published a ready baseline over the whole period.
  const ready = last.resourceMetrics[0].scopes.at(-1).metrics.find((m) => m.name === 'iora_baseline_ready').points.filter((p) => p.value === 1).length;
  const samples = last.resourceMetrics[0].scopes.at(-1).metrics.find((m) => m.name === 'iora_baseline_samples').points[0].value;
  await processor.shutdown();
  rmSync(dir, { recursive: true, force: true });
  closing.sort((a, b) => a - b);
  steady.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ series, ready, samples, rssPeakMB: peakRss() / 2 ** 20, rssEndMB: rssEnd / 2 ** 20, heapMB: heapUsed / 2 ** 20, externalMB: external / 2 ** 20,
    closingMedianMs: quantileOf(closing, 0.5), closingP95Ms: quantileOf(closing, 0.95), steadyMedianMs: quantileOf(steady, 0.5), steadyP95Ms: quantileOf(steady, 0.95), longestStallMs: stalls.max / 1e6 }));
}

if (values.child) {
  await child(Number(values.child), Number(values.days));
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`baseline processor, ${values.days}d of 1h buckets, exponential histograms, SQLite store, ${values.embedded ? "V8's default heap sizing (embedded)" : "the collector's heap policy"}`);
  const heapFlag = values['max-old-space'] ? [`--max-old-space-size=${values['max-old-space']}`] : [];
  if (heapFlag.length > 0) console.log(`measured process run with ${heapFlag[0]}`);
  console.log('series   RSS peak / end MB   heap used MB   steady batch ms (median / p95)   hour-closing batch ms (median / p95)   longest stall ms   ms per 1k series (steady)   ready');
  for (const size of values.sizes.split(',').map(Number)) {
    const r = spawnSync(process.execPath, ['--expose-gc', ...heapFlag, self, '--child', String(size), '--days', values.days, ...(values.embedded ? ['--embedded'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const m = JSON.parse(r.stdout);
    console.log(
      `${String(m.series).padEnd(8)} ${m.rssPeakMB.toFixed(0).padStart(8)} / ${m.rssEndMB.toFixed(0).padEnd(6)}   ${m.heapMB.toFixed(0).padStart(12)}   ${m.steadyMedianMs.toFixed(1).padStart(10)} / ${m.steadyP95Ms.toFixed(1).padEnd(18)} ${m.closingMedianMs.toFixed(1).padStart(14)} / ${m.closingP95Ms.toFixed(1).padEnd(22)} ${m.longestStallMs.toFixed(0).padStart(16)}   ${(m.steadyMedianMs / (m.series / 1000)).toFixed(2).padStart(10)}   ${m.ready}/${m.series} (${m.samples} samples each)`,
    );
    if (m.ready !== m.series) {
      console.error('not every series became ready: the bench did not do its work');
      process.exit(1);
    }
  }
}
