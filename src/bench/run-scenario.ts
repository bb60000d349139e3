// A scenario from start to end: setup command, reachability check, warm-up, N measured runs (the
// agent's /metrics scraped around each), cleanup command — cleanup runs even when a step failed.

import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { formatDuration } from '../pipeline/duration.js';
import { agentDelta, scrapeAgent } from './agent-metrics.js';
import { BenchInputError } from './input-error.js';
import { runLoad } from './load.js';
import { summarize, type RunMeasurement } from './measurement.js';
import type { Scenario } from './scenario.js';

export interface ScenarioRunOptions {
  runs: number;
  /** Working directory of setup/cleanup commands (the scenario file's folder). */
  cwd: string;
  /** One plain line of progress (always written: CI logs want them). */
  log: (line: string) => void;
  /** A terminal to draw autocannon's progress bar on; absent in CI. */
  progressStream?: NodeJS.WritableStream;
}

const COMMAND_TIMEOUT_MS = 5 * 60_000;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Runs a shell command with its output on our stderr (stdout is for reports). Resolves on exit, not
 * on stream close, so a setup that starts a server in the background (`node app.js &`) returns.
 */
function runCommand(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 2, 2] });
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS).unref();
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(signal ? `killed by ${signal}` : `exit status ${code}`));
    });
  });
}

function checkReachable(url: string): Promise<void> {
  const target = new URL(url);
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`no connection within ${formatDuration(CONNECT_TIMEOUT_MS)}`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
  });
}

async function step<T>(scenario: Scenario, field: string, what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    throw new BenchInputError([`scenario "${scenario.name}": ${field}: ${what}: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

async function measuredRuns(scenario: Scenario, opts: ScenarioRunOptions): Promise<RunMeasurement[]> {
  await step(scenario, 'url', `cannot reach ${scenario.url}`, () => checkReachable(scenario.url));
  const metricsUrl = scenario.metricsUrl;
  if (metricsUrl) await step(scenario, 'metrics_url', `cannot scrape ${metricsUrl}`, () => scrapeAgent(metricsUrl));
  const loadOpts = opts.progressStream ? { progressStream: opts.progressStream } : {};
  if (scenario.warmupMs > 0) {
    opts.log(`${scenario.name}: warm-up ${formatDuration(scenario.warmupMs)}`);
    await runLoad(scenario, { ...loadOpts, durationMs: scenario.warmupMs });
  }
  const runs: RunMeasurement[] = [];
  for (let i = 1; i <= opts.runs; i++) {
    const before = metricsUrl ? await step(scenario, 'metrics_url', 'scrape failed', () => scrapeAgent(metricsUrl)) : undefined;
    const run = summarize(await runLoad(scenario, loadOpts));
    if (metricsUrl && before) run.agent = agentDelta(before, await step(scenario, 'metrics_url', 'scrape failed', () => scrapeAgent(metricsUrl)));
    runs.push(run);
    const m = run.metrics;
    opts.log(
      `${scenario.name}: run ${i}/${opts.runs}: p50 ${m.latency_p50.value.toFixed(1)} ms, p95 ${m.latency_p95.value.toFixed(1)} ms, ` +
        `p99 ${m.latency_p99.value.toFixed(1)} ms, ${m.throughput.value.toFixed(1)} req/s, ${run.errors} errors of ${run.ok + run.errors}`,
    );
  }
  return runs;
}

export async function runScenario(scenario: Scenario, opts: ScenarioRunOptions): Promise<RunMeasurement[]> {
  const setup = scenario.setup;
  if (setup) await step(scenario, 'setup', `"${setup}" failed`, () => runCommand(setup, opts.cwd));
  try {
    return await measuredRuns(scenario, opts);
  } finally {
    const cleanup = scenario.cleanup;
    if (cleanup) {
      await runCommand(cleanup, opts.cwd).catch((err: unknown) => {
        opts.log(`${scenario.name}: warning: cleanup "${cleanup}" failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
  }
}
