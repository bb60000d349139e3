#!/usr/bin/env node
// Pipeline cost (issue 8): OTLP/protobuf ingest and processing throughput — data points per CPU-second of
// the collector, whose pipeline runs on one JS thread — and the collector's RSS, at 1,000 and 10,000 active
// series, for two chains: `ingest` (otlp → prometheus, no processors) and `iora` (otlp → the processors of
// pipelines/iora.yaml: classify, baseline, validate, regression, leak, alert → prometheus). Then the time the
// baseline processor takes per batch to compute baselines for 10,000 series over a learned period of hourly
// buckets (bench/baseline-memory.mjs; 2 days learned by default, to keep the run short). Printed as a table;
// JSON written next to bench:overhead's.
//
// Each simulated agent (a resource of its own) exports 100 series per request: 50 exponential-histogram
// `http.server.request.duration` series (one per route), 30 counters, 20 gauges; every request is a new
// collection (later timestamps, more counts), built and encoded by the official serializer before the clock
// starts. The collector runs on CPU 0, this process on CPU 1 (taskset). Needs `npm run build`.
//
//   node bench/pipeline.mjs [--sizes 1000,10000] [--collections 12] [--baseline-days 2] [--out FILE]
// --baseline-days 7 learns the default period in full (about 10 minutes on this machine; 2 days take ~3).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { cpuSeconds, hasTaskset, pinnedNode, repinSelf, rssMiB, startAnnounced, stop } from './lib/proc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OTLP_PORT = 20350;
const PROMETHEUS_PORT = 20351;
const PER_AGENT = { histogram: 50, counter: 30, gauge: 20 };
const SERIES_PER_AGENT = PER_AGENT.histogram + PER_AGENT.counter + PER_AGENT.gauge;
const CONCURRENCY = 4;

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    collections: { type: 'string', default: '12' },
    'baseline-days': { type: 'string', default: '2' },
    out: { type: 'string', default: path.join(root, '.bench-results/pipeline.json') },
    collector: { type: 'string' },
  },
});

/** The collector config for a chain: pipelines/iora.yaml's processors (or none) between otlp and prometheus. */
function collectorYaml(chain) {
  const profile = YAML.parse(readFileSync(path.join(root, 'pipelines/iora.yaml'), 'utf8'));
  const processors = chain === 'iora' ? profile.service.pipelines.metrics.processors : [];
  return YAML.stringify({
    receivers: { otlp: { endpoint: `127.0.0.1:${OTLP_PORT}` } },
    processors: Object.fromEntries(processors.map((p) => [p, profile.processors[p]])),
    exporters: { prometheus: { endpoint: `127.0.0.1:${PROMETHEUS_PORT}`, max_series: 1_000_000, max_series_per_metric: 1_000_000 } },
    service: { pipelines: { metrics: { receivers: ['otlp'], processors, exporters: ['prometheus'] } } },
  });
}

/** Child mode: the collector, as `iora collector` runs it. */
async function runCollector(configFile) {
  const { loadConfig } = await import('../dist/src/pipeline/config.js');
  const { Service } = await import('../dist/src/pipeline/service.js');
  const { pino } = await import('pino');
  const { applyCollectorHeapPolicy } = await import('../dist/src/cli/heap-policy.js');
  applyCollectorHeapPolicy();
  const { config, errors } = loadConfig(configFile, process.env);
  if (!config) throw new Error(errors.join('\n'));
  const service = new Service(config, { logger: pino({ level: 'warn' }, process.stderr) });
  await service.start();
  process.stdout.write('ready\n');
}

/**
 * `collections` successive OTLP requests per agent, encoded up front: request g is the agent's g-th
 * collection (1 s later than the one before, every series with more counts), the last one ending now.
 */
async function buildRequests(agents, collections) {
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { AggregationType, MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { ProtobufMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
  class Reader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const nowS = Math.floor(Date.now() / 1000);
  const requests = Array.from({ length: collections }, () => []);
  for (let a = 0; a < agents; a++) {
    const reader = new Reader();
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': `bench-svc-${a % 10}`, 'service.instance.id': `instance-${a}` }),
      views: [{ instrumentName: 'http.server.request.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } } }],
      readers: [reader],
    });
    const meter = provider.getMeter('bench');
    const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
    const counter = meter.createCounter('bench.requests');
    const gauge = meter.createGauge('bench.queue.depth');
    for (let i = 0; i < PER_AGENT.histogram; i++) {
      const attrs = { 'http.route': `/route/${i}`, 'http.request.method': 'GET', 'http.response.status_code': 200 };
      for (let k = 1; k <= 20; k++) duration.record(0.002 * k * (1 + (i % 7)), attrs);
    }
    for (let i = 0; i < PER_AGENT.counter; i++) counter.add(i + 1, { shard: `s${i}` });
    for (let i = 0; i < PER_AGENT.gauge; i++) gauge.record(i, { queue: `q${i}` });
    const { resourceMetrics } = await reader.collect();
    await provider.shutdown();
    const points = resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => m.dataPoints));
    const base = points.map((p) => structuredClone(p.value));
    for (let g = 0; g < collections; g++) {
      const endTime = [nowS - (collections - 1 - g), 0];
      points.forEach((p, i) => {
        p.endTime = endTime;
        const v = base[i];
        if (typeof v === 'number') {
          p.value = v + g * 3;
        } else {
          // 10 more requests per collection, into the histogram's first populated bucket.
          const bucketCounts = [...v.positive.bucketCounts];
          bucketCounts[0] += g * 10;
          p.value = { ...v, count: v.count + g * 10, sum: v.sum + g * 10 * v.min, positive: { ...v.positive, bucketCounts } };
        }
      });
      requests[g].push(Buffer.from(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)));
    }
  }
  return requests;
}

function post(agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: OTLP_PORT, path: '/v1/metrics', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`OTLP request answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends one collection's requests (one per agent), CONCURRENCY at a time. */
async function sendCollection(agent, bodies) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < bodies.length) await post(agent, bodies[next++]);
  }));
}

async function measureChain(chain, series, collections, dataDir) {
  const agents = series / SERIES_PER_AGENT;
  const requests = await buildRequests(agents, collections);
  const configFile = path.join(dataDir, `${chain}-${series}.yaml`);
  writeFileSync(configFile, collectorYaml(chain));
  const { child } = await startAnnounced(pinnedNode(0, [fileURLToPath(import.meta.url), '--collector', configFile]), {
    cwd: root,
    env: { ...process.env, IORA_DATA_DIR: path.join(dataDir, `${chain}-${series}`) },
    ready: /ready\n/,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    await sendCollection(agent, requests[0]); // warm-up: every series created, JIT
    await sendCollection(agent, requests[1]);
    const cpuBefore = cpuSeconds(child.pid);
    const started = performance.now();
    for (let g = 2; g < collections; g++) await sendCollection(agent, requests[g]);
    const wallS = (performance.now() - started) / 1000;
    const cpuS = cpuSeconds(child.pid) - cpuBefore;
    const rss = rssMiB(child.pid);
    // The work was really done: every counter series is exposed at its last collection's value.
    const text = await (await fetch(`http://127.0.0.1:${PROMETHEUS_PORT}/metrics`)).text();
    const counterLines = text.split('\n').filter((l) => l.startsWith('bench_requests_total{'));
    if (counterLines.length !== agents * PER_AGENT.counter) throw new Error(`${chain}: expected ${agents * PER_AGENT.counter} counter series, found ${counterLines.length}`);
    const last = text.split('\n').find((l) => l.startsWith('bench_requests_total{') && l.includes('instance="instance-0"') && l.includes('shard="s0"'));
    if (!last?.endsWith(` ${1 + (collections - 1) * 3}`)) throw new Error(`${chain}: counter not at its last value: ${last}`);
    const derived = text.split('\n').filter((l) => l.startsWith('iora_window_quantile{')).length;
    if (chain === 'iora' && derived === 0) throw new Error('iora chain: no iora_window_quantile series: the processors did nothing');
    const points = (collections - 2) * series;
    return { chain, series, points, cpuS, wallS, pointsPerCpuSecond: points / cpuS, pointsPerSecond: points / wallS, rssMiB: rss, exposedLines: text.split('\n').length, derivedWindowQuantiles: derived };
  } finally {
    agent.destroy();
    await stop(child);
  }
}

function baselineTiming(days) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bench/baseline-memory.mjs'), '--child', '10000', '--days', String(days)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`baseline bench failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout);
  if (m.ready !== m.series) throw new Error(`baseline bench: only ${m.ready} of ${m.series} series became ready`);
  return m;
}

if (opts.collector) {
  await runCollector(opts.collector);
} else {
  repinSelf(1);
  const sizes = opts.sizes.split(',').map(Number);
  const collections = Number(opts.collections);
  for (const s of sizes) if (s % SERIES_PER_AGENT !== 0) throw new Error(`--sizes: ${s} is not a multiple of ${SERIES_PER_AGENT} series per agent`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'iora-pipeline-bench-'));
  const loadBefore = os.loadavg();
  const rows = [];
  try {
    for (const chain of ['ingest', 'iora']) {
      for (const series of sizes) {
        const r = await measureChain(chain, series, collections, dataDir);
        process.stderr.write(`${chain} ${series}: ${Math.round(r.pointsPerCpuSecond)} points/CPU-s, ${Math.round(r.rssMiB)} MiB\n`);
        rows.push(r);
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const days = Number(opts['baseline-days']);
  const baseline = baselineTiming(days);

  const chainName = { ingest: 'otlp → prometheus', iora: 'otlp → iora.yaml processors → prometheus' };
  console.log(`pipeline cost — ${collections - 2} timed collections per run (after 2 warm-up)${hasTaskset ? ', collector on CPU 0, client on CPU 1' : ''}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at start`);
  console.log('| chain | series | points per CPU-second | points/s (wall) | collector RSS MiB |');
  console.log('|:--|--:|--:|--:|--:|');
  for (const r of rows) {
    console.log(`| ${chainName[r.chain]} | ${r.series.toLocaleString('en')} | ${Math.round(r.pointsPerCpuSecond).toLocaleString('en')} | ${Math.round(r.pointsPerSecond).toLocaleString('en')} | ${r.rssMiB.toFixed(0)} |`);
  }
  console.log(`baselines for ${baseline.series.toLocaleString('en')} series (${days}d of 1h buckets learned, SQLite store): ` +
    `${baseline.steadyMedianMs.toFixed(0)} ms per batch (median; p95 ${baseline.steadyP95Ms.toFixed(0)}), ` +
    `${baseline.closingMedianMs.toFixed(0)} ms for the batch closing an hour (p95 ${baseline.closingP95Ms.toFixed(0)}), RSS ${baseline.rssPeakMB.toFixed(0)} MiB at its peak`);
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify({ benchmark: 'pipeline', node: process.version, loadavgAtStart: loadBefore, loadavgAtEnd: os.loadavg(), collections, taskset: hasTaskset, chains: rows, baseline: { days, ...baseline } }, null, 2));
  console.log(`JSON: ${path.relative(process.cwd(), opts.out) || opts.out}`);
}
