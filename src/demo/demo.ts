// `iora demo`: the example app under the agent with the demo profile, load on every operation class,
// progress from the status page, a latency regression injected once the baselines are ready, and the
// findings and alerts printed as they happen. Ends on its duration or on an abort (Ctrl-C / SIGTERM).

import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StatusSnapshot } from '../exporters/status/board.js';
import { loadConfig } from '../pipeline/config.js';
import { AppProcess } from './app-process.js';
import { getJson, post } from './http.js';
import { DEMO_ROUTES, LoadGenerator } from './load.js';
import type { DemoOptions } from './options.js';
import type { DemoOutput } from './output.js';
import { demoPaths } from './paths.js';
import { busyPorts } from './ports.js';
import { FIX_AFTER_MS, RegressionScenario, WARMUP_MS } from './scenario.js';
import { ChangeTracker, progressLine } from './watch.js';

const POLL_MS = 1000;
const STARTUP_TIMEOUT_MS = 30_000;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The demo profile's problems, checked before the app starts (the agent would only log them). */
function pipelineProblems(pipeline: string): string[] {
  return loadConfig(pipeline).errors;
}

/** Runs the demo until `signal` aborts (the duration is one of its causes). Returns the exit code. */
export async function runDemo(options: DemoOptions, out: DemoOutput, signal: AbortSignal): Promise<number> {
  const paths = demoPaths();
  const problems = pipelineProblems(paths.pipeline);
  if (problems.length > 0) {
    out.line(`iora demo: ${paths.pipeline} is invalid:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const busy = await busyPorts({ '--port': options.port, '--metrics-port': options.metricsPort, '--status-port': options.statusPort });
  if (busy.length > 0) {
    for (const problem of busy) out.line(`iora demo: ${problem}`);
    return 1;
  }
  const appUrl = `http://127.0.0.1:${options.port}`;
  const metricsUrl = `http://127.0.0.1:${options.metricsPort}/metrics`;
  const statusUrl = `http://127.0.0.1:${options.statusPort}/status`;
  const logFile = path.join(tmpdir(), `iora-demo-${process.pid}.log`);
  const app = AppProcess.start({ paths, port: options.port, metricsPort: options.metricsPort, statusPort: options.statusPort, logFile, onLine: (l) => out.line(`app: ${l}`) });
  const load = new LoadGenerator(appUrl, DEMO_ROUTES);
  const startedMs = Date.now();
  try {
    out.line(`iora demo: starting the example app under the agent (pipelines/demo.yaml; agent log: ${logFile})`);
    const up = await waitForStartup(app, `${statusUrl}.json`, `${appUrl}/health`, signal);
    if (up !== true) {
      if (signal.aborted) return 0;
      out.line(`iora demo: ${up}; see ${logFile}`);
      return 1;
    }
    out.line(`  app:         ${appUrl}`);
    out.line(`  metrics:     ${metricsUrl}`);
    out.line(`  status page: ${statusUrl}  (JSON: ${statusUrl}.json)`);
    out.line(
      options.regression
        ? `Driving ~${DEMO_ROUTES.reduce((n, r) => n + r.perSecond, 0)} requests/s at every operation class; a +${options.slowdownMs} ms latency regression ` +
            `is injected once every route's baseline is ready (after at least ${WARMUP_MS / 1000}s of load), and removed ${FIX_AFTER_MS / 1000}s after its alert fires.`
        : 'Driving load at every operation class; no regression will be injected (--no-regression).',
    );
    load.start();
    const scenario = new RegressionScenario(
      DEMO_ROUTES.map((r) => `${r.method} ${r.route}`),
      Date.now(),
    );
    const tracker = new ChangeTracker();
    while (!signal.aborted) {
      // Ctrl-C reaches the app too (same process group): its exit then is the stop, not a failure.
      if (!app.running && !signal.aborted) {
        out.line(`iora demo: the example app exited (code ${String(await app.exited)}); see ${logFile}`);
        return 1;
      }
      const snapshot = await getJson<StatusSnapshot>(`${statusUrl}.json`);
      if (snapshot) {
        for (const line of tracker.changes(snapshot)) out.line(line);
        const action = options.regression ? scenario.next(snapshot, Date.now()) : undefined;
        if (action && (await post(`${appUrl}/admin/latency?ms=${action.kind === 'inject' ? options.slowdownMs : 0}`))) {
          scenario.done(action);
          out.line(
            action.kind === 'inject'
              ? `>>> baselines ready: injecting a latency regression (+${options.slowdownMs} ms on every route)`
              : '>>> fixing the regression (slowdown removed): the finding and the alert resolve once windows are back to normal',
          );
        }
        out.progress(progressLine(snapshot, Date.now() - startedMs, load.counts.sent), Date.now());
      }
      await sleep(POLL_MS, signal);
    }
    out.line(`iora demo: stopping after ${Math.round((Date.now() - startedMs) / 1000)}s (${load.counts.sent} requests, ${load.counts.failed} failed; ${plural(tracker.findingsSeen, 'finding')}, ${plural(tracker.alertsSeen, 'alert event')})`);
    return 0;
  } finally {
    load.stop();
    await app.stop();
  }
}

/** true once the app answers and the status page serves; otherwise why not. */
async function waitForStartup(app: AppProcess, statusJsonUrl: string, healthUrl: string, signal: AbortSignal): Promise<true | string> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let appUp = false;
  while (Date.now() < deadline && !signal.aborted) {
    if (!app.running) return `the example app exited during startup (code ${String(await app.exited)})`;
    appUp ||= (await getJson(healthUrl)) !== undefined;
    if (appUp && (await getJson(statusJsonUrl)) !== undefined) return true;
    await sleep(250, signal);
  }
  return appUp ? `the status page did not answer at ${statusJsonUrl}` : `the example app did not answer at ${healthUrl} within ${STARTUP_TIMEOUT_MS / 1000}s`;
}
