#!/usr/bin/env node
// The agent's per-request work in isolation: publishes the `http.server.request.start` /
// `http.server.response.finish` diagnostics-channel messages Node publishes for each request and times
// iora's recorder (route lookup, series lookup, one exponential-histogram increment) against the same
// loop with nobody subscribed. Steady on a busy machine where end-to-end throughput is not.
// Needs `npm run build`. Usage: node bench/agent-record-path.mjs [requests=500000]

import diagnosticsChannel from 'node:diagnostics_channel';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { RequestDurationHistogram } from '../dist/instrumentation/http/request-histogram.js';
import { ServerRequestRecorder } from '../dist/instrumentation/http/server-requests.js';

const requests = Number(process.argv[2] ?? 500_000);
const start = diagnosticsChannel.channel('http.server.request.start');
const finish = diagnosticsChannel.channel('http.server.response.finish');
const server = { address: () => ({ port: 8080 }) };
const routes = ['/users/:id', '/orders/:orderId', '/analysis/revenue', '/bulk/orders'];

/** One request as Express leaves it: the request gets `route`/`baseUrl`, the response a status. */
function run(n) {
  const began = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const request = { method: i % 10 === 0 ? 'POST' : 'GET', route: { path: routes[i & 3] }, baseUrl: '' };
    const response = { statusCode: i % 50 === 0 ? 500 : 200 };
    const message = { request, response, server };
    start.publish(message);
    finish.publish(message);
  }
  return Number(process.hrtime.bigint() - began) / n;
}

const histogram = new RequestDurationHistogram(resourceFromAttributes({}));
run(requests); // warm-up, nobody subscribed
const bareNs = run(requests);
const recorder = new ServerRequestRecorder(histogram, (err) => {
  throw err;
});
run(requests); // warm-up, recording
const agentNs = run(requests);
recorder.shutdown();

// The work was really done: every request is in the histogram.
const { resourceMetrics } = await histogram.collect();
const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).flatMap((m) => m.dataPoints);
const recorded = points.reduce((sum, p) => sum + p.value.count, 0);
if (recorded !== 2 * requests) throw new Error(`recorded ${recorded} requests, expected ${2 * requests}`);

console.log(`per request, ${requests} requests (${points.length} series)`);
console.log(`  nobody subscribed   ${bareNs.toFixed(0)} ns`);
console.log(`  iora recorder       ${agentNs.toFixed(0)} ns  (+${((agentNs - bareNs) / 1000).toFixed(2)} µs)`);
