#!/usr/bin/env node
// Agent overhead against its peers (issue 8): the same app (app.cjs: a JSON route and a PostgreSQL route) as
// separate processes — bare; under iora (embedded mode, pipelines/iora.yaml: the full processor chain);
// under @opentelemetry/auto-instrumentations-node/register exporting to Prometheus; with a prom-client
// histogram middleware. Each server runs alone on CPU 0, autocannon on CPU 1 (taskset), variants interleaved
// round by round so drift in the machine's load hits them alike; medians over the rounds are reported.
//
// Per variant: throughput at saturation as a ratio to bare, and per CPU-second of the server to bare's (on a
// busy machine a server does not get its whole core; this one is steadier); server CPU time per request at a
// fixed request rate (/proc/<pid>/stat: everything the process does, its background collection included),
// p99 latency at that rate minus bare's, and RSS after the load. The fixed-rate phases last one collection interval (iora's default
// 5 s), so each includes one collection and pipeline run, as every 5 s of a real app does; warm-up runs
// until the agent's pipeline has processed a first collection, so cold code is not counted. Each instrumented variant's /metrics must show the requests it
// served — a variant that recorded nothing is not a result. Needs `npm run build` (npm run bench:overhead does it).
//
//   node bench/overhead/run.mjs [--rounds 3] [--seconds 3] [--fixed-seconds 5] [--json-rate 1000] [--db-rate 400]
//        [--variants bare,iora,otel,prom-client] [--out .bench-results/overhead.json] [--profile DIR]
// --profile writes V8 CPU profiles of every server run to DIR/<variant>/ (node --cpu-prof; open in Chrome DevTools).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { cpuSeconds, hasTaskset, median, pinnedNode, quantile, repinSelf, rssMiB, startAnnounced, stop } from '../lib/proc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const IORA_METRICS_PORT = 20301;
const OTEL_METRICS_PORT = 20302;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    'fixed-seconds': { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'json-rate': { type: 'string', default: '1000' },
    'db-rate': { type: 'string', default: '400' },
    variants: { type: 'string', default: 'bare,iora,otel,prom-client' },
    out: { type: 'string', default: path.join(root, '.bench-results/overhead.json') },
    profile: { type: 'string' },
  },
});
const rounds = Number(opts.rounds);
const seconds = Number(opts.seconds);
const fixedSeconds = Number(opts['fixed-seconds']);
const connections = Number(opts.connections);
const rates = { json: Number(opts['json-rate']), db: Number(opts['db-rate']) };

repinSelf(LOAD_CPU);

/** Sum of the values of every sample line whose name is one of `names` (labels any). */
function sampleSum(text, names) {
  let sum = 0;
  for (const line of text.split('\n')) {
    const name = /^([a-zA-Z_:][\w:]*)/.exec(line)?.[1];
    if (name && names.includes(name)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * What each variant runs and where its requests show up: `recorded` names the per-route counters that
 * must cover the requests served (HTTP for all; iora's DB operation count for the PostgreSQL route too).
 */
function variants(dataDir) {
  const all = {
    bare: { args: [], env: {} },
    iora: {
      args: ['--import', path.join(root, 'dist/instrumentation/register.js')],
      env: {
        IORA_CONFIG: path.join(root, 'pipelines/iora.yaml'),
        IORA_DATA_DIR: dataDir,
        IORA_LOG_LEVEL: 'warn',
        OTEL_SERVICE_NAME: 'overhead-bench',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(IORA_METRICS_PORT),
      },
      metricsUrl: () => `http://127.0.0.1:${IORA_METRICS_PORT}/metrics`,
      recorded: { http: ['http_server_request_duration_seconds_count'], db: ['db_client_operation_duration_seconds_count'] },
    },
    otel: {
      args: ['--require', require.resolve('@opentelemetry/auto-instrumentations-node/register')],
      env: {
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,process',
        OTEL_SERVICE_NAME: 'overhead-bench',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(OTEL_METRICS_PORT),
      },
      metricsUrl: () => `http://127.0.0.1:${OTEL_METRICS_PORT}/metrics`,
      recorded: { http: ['http_server_request_duration_count'], db: ['db_client_operation_duration_count'] },
    },
    'prom-client': {
      args: [],
      env: { BENCH_PROM_CLIENT: '1' },
      metricsUrl: (port) => `http://127.0.0.1:${port}/metrics`,
      recorded: { http: ['http_request_duration_seconds_count'] },
    },
  };
  const chosen = opts.variants.split(',');
  for (const name of chosen) if (!all[name]) throw new Error(`unknown variant ${name} (known: ${Object.keys(all).join(', ')})`);
  if (chosen[0] !== 'bare') throw new Error('--variants must start with bare: every ratio is to it');
  return Object.fromEntries(chosen.map((name) => [name, all[name]]));
}

async function scrape(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

async function waitForMetrics(url) {
  for (let i = 0; i < 150; i++) {
    if (await scrape(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

/** One autocannon run; with `rate`, a fixed request rate whose per-response latencies are kept (µs precision). */
async function load(url, duration, rate) {
  const latenciesMs = [];
  const instance = autocannon({ url, connections, duration, ...(rate ? { overallRate: rate } : {}) });
  if (rate) instance.on('response', (_client, _status, _bytes, ms) => latenciesMs.push(ms));
  const r = await instance;
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { ok: r['2xx'], rps: r['2xx'] / duration, p99Ms: quantile(latenciesMs, 0.99) };
}

/** How many requests the variant's /metrics shows, per route kind; iora's arrive with its next collection. */
async function recordedCounts(variant, port, served) {
  const url = variant.metricsUrl(port);
  let counts;
  for (let i = 0; i < 100; i++) {
    const text = await scrape(url);
    counts = Object.fromEntries(Object.entries(variant.recorded).map(([kind, names]) => [kind, sampleSum(text, names)]));
    if (counts.http >= served.http && (counts.db ?? Infinity) >= served.db) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return counts;
}

async function measure(name, variant) {
  const profile = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opts.profile, name)}`] : []; // a file per thread
  const { child, match } = await startAnnounced(pinnedNode(SERVER_CPU, [...profile, ...variant.args, path.join(root, 'bench/overhead/app.cjs')]), {
    cwd: root,
    env: { ...process.env, PORT: '0', ...variant.env },
    ready: /listening (\d+)/,
  });
  try {
    const port = Number(match[1]);
    if (variant.metricsUrl) await waitForMetrics(variant.metricsUrl(port)); // the agent has loaded and serves
    const url = (route) => `http://127.0.0.1:${port}/${route}`;
    const served = { http: 0, db: 0 };
    const run = async (route, duration, rate) => {
      const r = await load(url(route), duration, rate);
      served.http += r.ok;
      if (route === 'db') served.db += r.ok;
      return r;
    };
    await run('json', 3, rates.json);
    await run('db', 3, rates.db); // warm-up: JIT, pool connections, iora's first collection through its pipeline
    const saturated = {};
    for (const route of ['json', 'db']) {
      const cpuBefore = cpuSeconds(child.pid);
      const r = await run(route, seconds);
      // Below 1.0 the server was not CPU-bound: other processes took its core (a busy machine), so the ratio is noise.
      saturated[route] = { rps: r.rps, cpuUse: (cpuSeconds(child.pid) - cpuBefore) / seconds };
    }
    const fixed = {};
    for (const route of ['json', 'db']) {
      const cpuBefore = cpuSeconds(child.pid);
      const r = await run(route, fixedSeconds, rates[route]);
      fixed[route] = { rps: r.rps, cpuUsPerRequest: ((cpuSeconds(child.pid) - cpuBefore) * 1e6) / r.ok, p99Ms: r.p99Ms };
    }
    const rss = rssMiB(child.pid);
    const recorded = variant.recorded ? await recordedCounts(variant, port, served) : undefined;
    return { saturated, fixed, rssMiB: rss, served, recorded };
  } finally {
    await stop(child, opts.profile ? 'SIGTERM' : 'SIGKILL');
  }
}

function summarize(results) {
  const bare = results.bare;
  const med = (name, pick) => median(results[name].map(pick));
  const summary = {};
  for (const name of Object.keys(results)) {
    const row = { rssMiB: med(name, (r) => r.rssMiB) };
    for (const route of ['json', 'db']) {
      const rps = med(name, (r) => r.saturated[route].rps);
      const cpu = med(name, (r) => r.fixed[route].cpuUsPerRequest);
      const p99 = med(name, (r) => r.fixed[route].p99Ms);
      row[route] = {
        saturatedRps: rps,
        throughputRatio: rps / median(bare.map((r) => r.saturated[route].rps)),
        saturatedCpuUse: med(name, (r) => r.saturated[route].cpuUse),
        // Requests per CPU-second of the server at saturation, to bare's: what the ratio would be with a whole core.
        perCoreRatio: med(name, (r) => r.saturated[route].rps / r.saturated[route].cpuUse) / median(bare.map((r) => r.saturated[route].rps / r.saturated[route].cpuUse)),
        cpuUsPerRequest: cpu,
        addedCpuUs: cpu - median(bare.map((r) => r.fixed[route].cpuUsPerRequest)),
        p99Ms: p99,
        addedP99Ms: p99 - median(bare.map((r) => r.fixed[route].p99Ms)),
      };
    }
    summary[name] = row;
  }
  return summary;
}

function printTable(summary) {
  const cols = ['variant', 'JSON ×bare', 'JSON ×bare per core', 'JSON req/s (core use)', 'JSON CPU µs/req', 'JSON +p99 ms', 'DB ×bare', 'DB ×bare per core', 'DB req/s (core use)', 'DB CPU µs/req', 'DB +p99 ms', 'RSS MiB'];
  const rows = Object.entries(summary).map(([name, s]) => [
    name,
    s.json.throughputRatio.toFixed(2),
    s.json.perCoreRatio.toFixed(2),
    `${Math.round(s.json.saturatedRps)} (${s.json.saturatedCpuUse.toFixed(2)})`,
    `${s.json.cpuUsPerRequest.toFixed(1)} (+${s.json.addedCpuUs.toFixed(1)})`,
    s.json.addedP99Ms.toFixed(2),
    s.db.throughputRatio.toFixed(2),
    s.db.perCoreRatio.toFixed(2),
    `${Math.round(s.db.saturatedRps)} (${s.db.saturatedCpuUse.toFixed(2)})`,
    `${s.db.cpuUsPerRequest.toFixed(1)} (+${s.db.addedCpuUs.toFixed(1)})`,
    s.db.addedP99Ms.toFixed(2),
    s.rssMiB.toFixed(0),
  ].map(String));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'iora-overhead-'));
const chosen = variants(dataDir);
const results = Object.fromEntries(Object.keys(chosen).map((k) => [k, []]));
const startedAt = new Date();
const loadBefore = os.loadavg();
try {
  for (let i = 0; i < rounds; i++) {
    for (const [name, variant] of Object.entries(chosen)) {
      const r = await measure(name, variant);
      results[name].push(r);
      const check = r.recorded ? ` recorded ${Object.entries(r.recorded).map(([k, v]) => `${k} ${v}/${r.served[k]}`).join(', ')}` : '';
      process.stderr.write(
        `round ${i + 1}/${rounds} ${name}: json ${Math.round(r.saturated.json.rps)}/s ${r.fixed.json.cpuUsPerRequest.toFixed(1)}µs p99 ${r.fixed.json.p99Ms.toFixed(2)}ms, ` +
          `db ${Math.round(r.saturated.db.rps)}/s ${r.fixed.db.cpuUsPerRequest.toFixed(1)}µs p99 ${r.fixed.db.p99Ms.toFixed(2)}ms, RSS ${r.rssMiB.toFixed(0)} MiB${check}\n`,
      );
      for (const [kind, count] of Object.entries(r.recorded ?? {})) {
        if (!(count >= r.served[kind])) throw new Error(`${name} recorded ${count} ${kind} requests of the ${r.served[kind]} it served: not a result`);
      }
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const summary = summarize(results);
const setup = `${rounds} interleaved rounds; ${seconds}s at saturation (${connections} connections; core use = server CPU-seconds per second); CPU and p99 over ${fixedSeconds}s at ${rates.json} req/s (JSON) and ${rates.db} req/s (DB)` +
  (hasTaskset ? `; server on CPU ${SERVER_CPU}, autocannon on CPU ${LOAD_CPU}` : '; no taskset: server and load share the cores');
console.log(`agent overhead — medians of ${setup}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at start`);
printTable(summary);
mkdirSync(path.dirname(opts.out), { recursive: true });
writeFileSync(
  opts.out,
  JSON.stringify({ benchmark: 'overhead', startedAt, node: process.version, cpus: os.cpus().length, loadavgAtStart: loadBefore, loadavgAtEnd: os.loadavg(), options: { rounds, seconds, fixedSeconds, connections, rates, taskset: hasTaskset, ioraConfig: 'pipelines/iora.yaml' }, summary, rounds: results }, null, 2),
);
console.log(`JSON: ${path.relative(process.cwd(), opts.out) || opts.out}`);
