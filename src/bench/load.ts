// One timed load run against a scenario's URL with autocannon, keeping every response's latency
// (autocannon's own histogram has no p95) and counting errors the way an HTTP client does: a
// connection error, a timeout or a status ≥ 400.

import autocannon from 'autocannon';
import type { Scenario } from './scenario.js';
import type { LoadSample } from './measurement.js';

export interface LoadOptions {
  /** Overrides the scenario's duration/amount (used for the warm-up). */
  durationMs?: number;
  /** Draw autocannon's progress bar on this stream (a terminal). */
  progressStream?: NodeJS.WritableStream;
}

function autocannonOptions(scenario: Scenario, opts: LoadOptions): autocannon.Options {
  const options: autocannon.Options = {
    url: scenario.url,
    method: scenario.method as autocannon.Request['method'],
    headers: scenario.headers,
    connections: scenario.connections,
    timeout: scenario.timeoutMs / 1000,
    // autocannon checks for the end of a run at each sample; its 1 s default rounds durations up.
    sampleInt: 100,
  };
  if (scenario.body !== undefined) options.body = scenario.body;
  if (scenario.requests) options.requests = scenario.requests as autocannon.Request[];
  if (scenario.rate !== undefined) options.overallRate = scenario.rate;
  if (opts.durationMs !== undefined) options.duration = opts.durationMs / 1000;
  else if (scenario.amount !== undefined) options.amount = scenario.amount;
  else options.duration = (scenario.durationMs ?? 10_000) / 1000;
  return options;
}

export function runLoad(scenario: Scenario, opts: LoadOptions = {}): Promise<LoadSample> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let errors = 0;
    const startedAt = new Date();
    const instance = autocannon(autocannonOptions(scenario, opts), (err: unknown, result: autocannon.Result) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve({ startedAt, durationS: result.duration, latencies, errors });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 400) errors++;
      else latencies.push(responseTime);
    });
    instance.on('reqError', () => {
      errors++;
    });
    if (opts.progressStream) autocannon.track(instance, { outputStream: opts.progressStream, renderResultsTable: false });
  });
}
