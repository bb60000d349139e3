#!/usr/bin/env node
// OTLP ingest benchmark: protobuf requests from 100 simulated agents (10,000 active series in all) are
// pushed to a collector process running otlp receiver → 3 pass-through processors → prometheus exporter.
// Reports data points per second, points per CPU-second of the collector (its work runs on one core: one
// JS thread), and the collector's RSS once the 10,000 series are live. Run after `npm run build`:
//   node bench/otlp-ingest.mjs [--seconds 10] [--concurrency 8]
// The load generator runs in this process, the collector in a child, so they do not share a core.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const AGENTS = 100;
const SERIES = { counter: 40, gauge: 30, histogram: 30 }; // per agent: 100 points per request
const POINTS_PER_REQUEST = SERIES.counter + SERIES.gauge + SERIES.histogram;
const OTLP_PORT = 19690;
const PROMETHEUS_PORT = 19691;
const COLLECTOR_CONFIG = `
receivers:
  otlp: { endpoint: 127.0.0.1:${OTLP_PORT} }
processors:
  passthrough/1: {}
  passthrough/2: {}
  passthrough/3: {}
exporters:
  prometheus: { endpoint: 127.0.0.1:${PROMETHEUS_PORT}, max_series: 100000, max_series_per_metric: 100000 }
service:
  telemetry: { metrics: { enabled: false } }
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [passthrough/1, passthrough/2, passthrough/3]
      exporters: [prometheus]
`;

/** Child mode: run the collector with a pass-through processor type added to the registry. */
async function runCollector() {
  const dist = (p) => join(repo, 'dist/src', p);
  const { parseConfig } = await import(dist('pipeline/config.js'));
  const { Service } = await import(dist('pipeline/service.js'));
  const { createProcessor } = await import(dist('pipeline/processor-helper.js'));
  const registry = await import(dist('components.js'));
  const { pino } = await import('pino');
  const passthrough = {
    kind: 'processor',
    type: 'passthrough',
    createDefaultConfig: () => ({}),
    validate: () => [],
    create: (settings, _config, next) => createProcessor(settings, next, { process: (batch) => batch }),
  };
  const factories = { ...registry, processors: [...registry.processors, passthrough] };
  const { config, errors } = parseConfig(COLLECTOR_CONFIG, 'otlp-ingest.yaml', process.env, { factories });
  if (!config) throw new Error(errors.join('\n'));
  const service = new Service(config, { logger: pino({ level: 'warn' }, process.stderr), factories });
  await service.start();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void service.shutdown().then(() => process.exit(0)));
}

/** Protobuf bodies made by the official serializer from real MeterProviders, one per simulated agent. */
async function buildPayloads() {
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { ProtobufMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
  class Reader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const payloads = [];
  for (let a = 0; a < AGENTS; a++) {
    const reader = new Reader();
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': `bench-svc-${a % 10}`, 'service.instance.id': `instance-${a}` }),
      readers: [reader],
    });
    const meter = provider.getMeter('bench');
    const counter = meter.createCounter('bench.requests');
    const gauge = meter.createGauge('bench.queue.depth');
    const histogram = meter.createHistogram('bench.request.duration', { unit: 's' });
    for (let i = 0; i < SERIES.counter; i++) counter.add(i + 1, { 'http.route': `/route/${i}` });
    for (let i = 0; i < SERIES.gauge; i++) gauge.record(i, { queue: `q${i}` });
    for (let i = 0; i < SERIES.histogram; i++) histogram.record(0.001 * (i + 1), { 'http.route': `/route/${i}` });
    const { resourceMetrics } = await reader.collect();
    payloads.push(Buffer.from(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)));
    await provider.shutdown();
  }
  return payloads;
}

function post(agent, port, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function scrape(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kb / 1024;
}

async function startCollector() {
  // Node flags given to the benchmark (e.g. --cpu-prof) apply to the collector too.
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--collector'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('ready\n')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
  return child;
}

async function runBenchmark() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' } } });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const payloads = await buildPayloads();
  const child = await startCollector();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    for (const body of payloads) if ((await post(agent, OTLP_PORT, body)) !== 200) throw new Error('warm-up request refused');
    const rssWarm = rssMiB(child.pid);

    const cpuBefore = cpuSeconds(child.pid);
    const started = process.hrtime.bigint();
    const deadline = Date.now() + seconds * 1000;
    let next = 0;
    let accepted = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          const status = await post(agent, OTLP_PORT, payloads[next++ % payloads.length]);
          if (status === 200) accepted++;
          else refused++;
        }
      }),
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    const rssLoaded = rssMiB(child.pid);

    // The work was really done: every simulated series is on /metrics.
    const text = await scrape(PROMETHEUS_PORT);
    const counterSeries = text.split('\n').filter((l) => l.startsWith('bench_requests_total{')).length;
    if (counterSeries !== AGENTS * SERIES.counter) throw new Error(`expected ${AGENTS * SERIES.counter} counter series, found ${counterSeries}`);

    const points = accepted * POINTS_PER_REQUEST;
    console.log(
      JSON.stringify(
        {
          benchmark: 'otlp-ingest',
          active_series: AGENTS * POINTS_PER_REQUEST,
          request_points: POINTS_PER_REQUEST,
          request_bytes_avg: Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length),
          seconds: Number(elapsed.toFixed(2)),
          requests_accepted: accepted,
          requests_refused: refused,
          points_per_second: Math.round(points / elapsed),
          collector_cpu_utilization: Number((cpu / elapsed).toFixed(2)),
          points_per_cpu_second: Math.round(points / cpu),
          collector_rss_mib_after_warmup: Math.round(rssWarm),
          collector_rss_mib_after_run: Math.round(rssLoaded),
        },
        null,
        2,
      ),
    );
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--collector')) await runCollector();
else await runBenchmark();
