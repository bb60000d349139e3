// The Prometheus exporter's own cost, without HTTP or OTLP decoding: updating 10,000 series from one
// batch, and rendering them for a scrape. Needs `npm run build`.
//
//   node bench/pipeline-prometheus-store.mjs

import { SeriesStore } from '../dist/src/exporters/prometheus/internal/series-store.js';

const COUNTERS = 9_000;
const HISTOGRAMS = 1_000;
const ROUNDS = 20;

function batchResource() {
  const metrics = Array.from({ length: 45 }, (_, m) => ({
    kind: 'sum', name: `bench.records.${m}`, description: 'records', unit: '{record}', temporality: 'cumulative', monotonic: true, points: [],
  }));
  for (let s = 0; s < COUNTERS; s++) metrics[s % 45].points.push({ attributes: { shard: String(s), region: `r${s % 7}` }, startTimeMs: 0, timeMs: 1, value: s });
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
  const histogram = { kind: 'histogram', name: 'http.server.request.duration', description: 'latency', unit: 's', temporality: 'cumulative', points: [] };
  for (let s = 0; s < HISTOGRAMS; s++) {
    histogram.points.push({
      attributes: { 'http.route': `/r/${s}`, 'http.request.method': 'GET' }, startTimeMs: 0, timeMs: 1, count: 5, sum: 1, bounds,
      bucketCounts: [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
  }
  metrics.push(histogram);
  return { resource: { 'service.name': 'bench', 'service.instance.id': 'b-1' }, scopes: [{ scope: { name: 'bench' }, metrics }] };
}

const store = new SeriesStore({ maxSeries: 100_000, maxSeriesPerMetric: 10_000 }, (reason) => {
  throw new Error(`unexpected drop: ${reason}`);
});
const rm = batchResource();
for (let i = 0; i < 5; i++) {
  store.add(rm, 1); // warm-up
  store.render();
}

let started = performance.now();
for (let i = 0; i < ROUNDS; i++) store.add(rm, 1);
const addMs = (performance.now() - started) / ROUNDS;
started = performance.now();
let text = '';
for (let i = 0; i < ROUNDS; i++) text = store.render();
const renderMs = (performance.now() - started) / ROUNDS;

// The work was really done: every series (plus target_info) is there, in full.
if (store.seriesCount !== COUNTERS + HISTOGRAMS + 1) throw new Error(`expected ${COUNTERS + HISTOGRAMS + 1} series, got ${store.seriesCount}`);
if (!text.includes('http_server_request_duration_seconds_count{job="bench",instance="b-1",http_request_method="GET",http_route="/r/999"} 5\n')) {
  throw new Error('histogram missing from the exposition');
}
const points = COUNTERS + HISTOGRAMS;
console.log(`prometheus store, ${points} series: add ${addMs.toFixed(1)} ms per batch (${Math.round((points / addMs) * 1000).toLocaleString('en')} points/s), render ${renderMs.toFixed(1)} ms (${(text.length / 1024).toFixed(0)} KiB)`);
