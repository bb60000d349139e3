#!/usr/bin/env node
// Agent overhead, quick: hello-world node:http throughput bare vs under the whole agent (embedded mode,
// pipeline and /metrics on), on loopback. The server is pinned to CPU 0 and autocannon to CPU 1 (taskset),
// rounds are interleaved so drift hits both variants alike, and the medians' ratio is printed. The server's
// CPU time per request (/proc/<pid>/stat utime+stime) is printed too: on a busy machine, where throughput
// swings with other load, it is the steadier measure of what the agent adds to each request.
// Needs `npm run build`. Usage: node bench/agent-overhead-quick.mjs [rounds=5] [seconds=3]

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 3);
const app = path.join(root, 'test/instrumentation/fixtures/hello.cjs');
const register = path.join(root, 'dist/instrumentation/register.js');
const METRICS_PORT = 19490;
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

// Load generator on CPU 1: re-run this script pinned, once.
if (hasTaskset && !process.env.IORA_BENCH_PINNED) {
  const r = spawnSync('taskset', ['-c', '1', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, IORA_BENCH_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}

const variants = {
  bare: [],
  agent: ['--import', register],
};

function startServer(args) {
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const argv = hasTaskset ? ['-c', '0', process.execPath, ...args, app] : [...args, app];
  const child = spawn(cmd, argv, {
    env: { ...process.env, PORT: '0', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT), IORA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function metricsServed() {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the agent never served /metrics');
}

/** utime + stime of a process in seconds (taskset execs node, so the child's pid is the server's). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(args) {
  const { child, port } = await startServer(args);
  try {
    const url = `http://127.0.0.1:${port}/hello`;
    if (args.length > 0) await metricsServed(); // the agent's pipeline has loaded and started
    await autocannon({ url, connections: 20, duration: 1 }); // warm-up: JIT
    const cpuBefore = cpuSeconds(child.pid);
    const r = await autocannon({ url, connections: 20, duration: seconds });
    const cpu = cpuSeconds(child.pid) - cpuBefore;
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`bad responses: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { rps: r.requests.total / seconds, cpuUsPerRequest: (cpu * 1e6) / r.requests.total };
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  for (const [name, args] of Object.entries(variants)) results[name].push(await measure(args));
  const last = Object.entries(results).map(([k, v]) => `${k} ${Math.round(v.at(-1).rps)}/s ${v.at(-1).cpuUsPerRequest.toFixed(1)}µs`);
  process.stderr.write(`round ${i + 1}/${rounds}: ${last.join(', ')}\n`);
}
const rps = (name) => median(results[name].map((r) => r.rps));
const cpu = (name) => median(results[name].map((r) => r.cpuUsPerRequest));
console.log(`hello-world, median of ${rounds} × ${seconds}s${hasTaskset ? ', server on CPU 0, load on CPU 1' : ' (no taskset)'}`);
for (const name of Object.keys(variants)) {
  console.log(`  ${name.padEnd(6)} ${String(Math.round(rps(name))).padStart(7)} req/s  ${cpu(name).toFixed(1).padStart(6)} µs CPU/request`);
}
console.log(`  throughput ratio agent/bare ${(rps('agent') / rps('bare')).toFixed(3)} (target ≥ 0.90)`);
console.log(`  CPU ratio bare/agent        ${(cpu('bare') / cpu('agent')).toFixed(3)} (+${(cpu('agent') - cpu('bare')).toFixed(1)} µs per request)`);
if (!(rps('bare') > 0 && rps('agent') > 0)) process.exit(1);
