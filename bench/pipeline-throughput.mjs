// OTLP ingest → a chain of three pass-through processors → the Prometheus exporter. The pipeline runs in
// a child process so its CPU time and RSS are measured alone; this process is the OTLP client.
// Prints data points per CPU-second of the collector (its throughput on one core), scrape time, and the
// collector's RSS with 10,000 active series. Needs `npm run build`.
//
//   node bench/pipeline-throughput.mjs [requests=40]
//   BENCH_PROF=1 … also writes a CPU profile of the collector to /tmp/iora-pipeline-profile/

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

const COUNTER_SERIES = 9_000;
const HISTOGRAM_SERIES = 1_000;
const SERIES = COUNTER_SERIES + HISTOGRAM_SERIES;
const OTLP_PORT = 19530;
const PROM_PORT = 19531;

/** The collector side: a Service with pass-through processors; answers `usage` messages with its CPU and memory. */
async function serve() {
  const pino = (await import('pino')).default;
  const { prometheusExporterFactory } = await import('../dist/src/exporters/prometheus/factory.js');
  const { parseConfig } = await import('../dist/src/pipeline/config.js');
  const { createProcessor } = await import('../dist/src/pipeline/processor-helper.js');
  const { Service } = await import('../dist/src/pipeline/service.js');
  const { otlpReceiverFactory } = await import('../dist/src/receivers/otlp/factory.js');
  const passThrough = {
    kind: 'processor',
    type: 'pass',
    createDefaultConfig: () => ({}),
    validate: () => [],
    create: (settings, _config, next) => createProcessor(settings, next, { process: (batch) => batch }),
  };
  const yaml = `
receivers: { otlp: { endpoint: "127.0.0.1:${OTLP_PORT}" } }
processors: { pass/1: , pass/2: , pass/3: }
exporters: { prometheus: { endpoint: "127.0.0.1:${PROM_PORT}" } }
service:
  telemetry: { metrics: { enabled: false } }
  pipelines: { metrics: { receivers: [otlp], processors: [pass/1, pass/2, pass/3], exporters: [prometheus] } }
`;
  const factories = { receivers: [otlpReceiverFactory], processors: [passThrough], exporters: [prometheusExporterFactory] };
  const { config, errors } = parseConfig(yaml, 'bench', {}, { factories });
  if (!config) throw new Error(errors.join('\n'));
  const service = new Service(config, { logger: pino({ level: 'warn' }), factories });
  await service.start();
  process.on('message', async (msg) => {
    if (msg === 'usage') {
      globalThis.gc?.();
      process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
    } else if (msg === 'stop') {
      await service.shutdown();
      process.disconnect();
    }
  });
  process.send('ready');
}

/** One OTLP protobuf request carrying 10,000 series, as the official exporter encodes it. */
async function buildPayload() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'bench', 'service.instance.id': 'b-1' }), readers: [reader] });
  const meter = provider.getMeter('bench');
  const counters = Array.from({ length: 45 }, (_, i) => meter.createCounter(`bench.records.${i}`, { unit: '{record}' }));
  for (let s = 0; s < COUNTER_SERIES; s++) counters[s % counters.length].add(s + 1, { shard: String(s), region: `r${s % 7}` });
  const histogram = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (let s = 0; s < HISTOGRAM_SERIES; s++) {
    for (let v = 0; v < 5; v++) histogram.record(0.01 * (v + 1) * ((s % 13) + 1), { 'http.route': `/r/${s}`, 'http.request.method': 'GET' });
  }
  await reader.forceFlush();
  const [collected] = exporter.getMetrics();
  await provider.shutdown();
  return Buffer.from(ProtobufMetricsSerializer.serializeRequest(collected));
}

async function drive(requests) {
  const child = fork(new URL(import.meta.url).pathname, ['serve'], { execArgv: ['--expose-gc', ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/iora-pipeline-profile'] : [])] });
  const [first] = await once(child, 'message');
  if (first !== 'ready') throw new Error(`collector did not start: ${JSON.stringify(first)}`);
  const usage = async () => {
    child.send('usage');
    const [u] = await once(child, 'message');
    return u;
  };
  const payload = await buildPayload();
  const send = async () => {
    const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: payload });
    if (res.status !== 200) throw new Error(`OTLP request failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  for (let i = 0; i < 5; i++) await send(); // warm-up
  const before = await usage();
  const started = performance.now();
  for (let i = 0; i < requests; i++) await send();
  const wallS = (performance.now() - started) / 1000;
  const scrapeStart = performance.now();
  const text = await (await fetch(`http://127.0.0.1:${PROM_PORT}/metrics`)).text();
  const scrapeMs = performance.now() - scrapeStart;
  const after = await usage();
  child.send('stop');
  await once(child, 'exit');

  // The work was really done: every series is exposed, counters at their cumulative values.
  const counterLines = text.split('\n').filter((l) => l.startsWith('bench_records_')).length;
  const histogramCounts = text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count')).length;
  if (counterLines !== COUNTER_SERIES || histogramCounts !== HISTOGRAM_SERIES) {
    throw new Error(`expected ${COUNTER_SERIES} counters and ${HISTOGRAM_SERIES} histograms, got ${counterLines} and ${histogramCounts}`);
  }
  if (!text.includes('bench_records_0_total{job="bench",instance="b-1",region="r0",shard="0"} 1\n')) throw new Error('counter value wrong');

  const points = requests * SERIES;
  const cpuS = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6;
  console.log(`pipeline throughput: OTLP/protobuf → 3 pass-through processors → prometheus, ${SERIES} series per request, ${requests} requests`);
  console.log(`  collector: ${Math.round(points / cpuS).toLocaleString('en')} points per CPU-second (one core); ${Math.round(points / wallS).toLocaleString('en')} points/s wall`);
  console.log(`  scrape of ${SERIES} series (incl. the scrape's own work): ${scrapeMs.toFixed(0)} ms, ${(text.length / 1024).toFixed(0)} KiB`);
  console.log(`  collector RSS with ${SERIES} active series: ${(after.rss / 2 ** 20).toFixed(0)} MiB (V8 heap used ${(after.heap / 2 ** 20).toFixed(0)} MiB)`);
}

if (process.argv[2] === 'serve') await serve();
else await drive(Number(process.argv[2] ?? 40));
