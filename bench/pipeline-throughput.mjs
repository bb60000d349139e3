// OTLP ingest → a chain of three pass-through processors → the Prometheus exporter, in one process.
// Prints data points per second (per wall second and per CPU second, i.e. on one core), scrape time and
// the collector's RSS with 10,000 active series. Needs `npm run build`.
//
//   node bench/pipeline-throughput.mjs [requests=40]

import { metrics } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { prometheusExporterFactory } from '../dist/src/exporters/prometheus/factory.js';
import { parseConfig } from '../dist/src/pipeline/config.js';
import { createProcessor } from '../dist/src/pipeline/processor-helper.js';
import { Service } from '../dist/src/pipeline/service.js';
import { otlpReceiverFactory } from '../dist/src/receivers/otlp/factory.js';

const REQUESTS = Number(process.argv[2] ?? 40);
const COUNTER_SERIES = 9_000;
const HISTOGRAM_SERIES = 1_000;
const SERIES = COUNTER_SERIES + HISTOGRAM_SERIES;
const OTLP_PORT = 19530;
const PROM_PORT = 19531;

/** One OTLP protobuf request carrying 10,000 series, as the official exporter would encode it (built outside the timing). */
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
metrics.disable();

const payload = await buildPayload();
await service.start();

async function send() {
  const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: payload });
  if (res.status !== 200) throw new Error(`OTLP request failed: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

for (let i = 0; i < 5; i++) await send(); // warm-up

const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < REQUESTS; i++) await send();
const wallS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuS = (cpu.user + cpu.system) / 1e6;
const points = REQUESTS * SERIES;

const scrapeStart = performance.now();
const text = await (await fetch(`http://127.0.0.1:${PROM_PORT}/metrics`)).text();
const scrapeMs = performance.now() - scrapeStart;
// The work was really done: every series is exposed, with the counters at their cumulative values.
const counterLines = text.split('\n').filter((l) => l.startsWith('bench_records_')).length;
const histogramCounts = text.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_count')).length;
if (counterLines !== COUNTER_SERIES || histogramCounts !== HISTOGRAM_SERIES) {
  throw new Error(`expected ${COUNTER_SERIES} counters and ${HISTOGRAM_SERIES} histograms, got ${counterLines} and ${histogramCounts}`);
}
if (!text.includes('bench_records_0_total{job="bench",instance="b-1",region="r0",shard="0"} 1\n')) throw new Error('counter value wrong');

globalThis.gc?.();
const rssMiB = process.memoryUsage().rss / 1024 / 1024;
await service.shutdown();

console.log(`pipeline throughput: OTLP/protobuf → 3 pass-through processors → prometheus, ${SERIES} series per request, ${REQUESTS} requests`);
console.log(`  ${Math.round(points / wallS).toLocaleString('en')} points/s wall, ${Math.round(points / cpuS).toLocaleString('en')} points per CPU-second (one core; client in the same process)`);
console.log(`  scrape of ${SERIES} series: ${scrapeMs.toFixed(0)} ms, ${(text.length / 1024).toFixed(0)} KiB`);
console.log(`  RSS with ${SERIES} active series: ${rssMiB.toFixed(0)} MiB${globalThis.gc ? '' : ' (run with --expose-gc for a settled figure)'}`);
