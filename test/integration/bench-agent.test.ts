// `iora bench` against an app running under the real agent (embedded mode, its own /metrics): the
// bench scrapes that endpoint around each run and reports the app's PostgreSQL time per operation,
// CPU and memory. Needs `npm run build` first (the agent is preloaded from dist/).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/report.js';
import { fixture, spawnApp, type RunningApp } from '../instrumentation/harness.js';
import { runBenchCli } from '../bench/capture-output.js';

const METRICS_PORT = 20010;

describe('iora bench with the target under the agent', () => {
  let app: RunningApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-agent-'));
    app = await spawnApp(fixture('express-app.mjs'), 'import', {
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(METRICS_PORT),
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_SERVICE_NAME: 'bench-under-agent',
      TABLE_SUFFIX: 'bench',
    });
    // The agent's /metrics comes up once its pipeline has started, a moment after the app listens, and
    // holds the process metrics from its first export on: the bench's "before" scrape needs them.
    for (let i = 0; i < 100; i++) {
      const text = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
      if (text.includes('v8js_memory_heap_used')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports database time per operation, CPU and memory from the agent', async () => {
    const scenarios = join(dir, 'bench.yaml');
    writeFileSync(
      scenarios,
      [
        'scenarios:',
        '  - name: user-by-id',
        `    url: http://127.0.0.1:${app.port}/users/1`,
        `    metrics_url: http://127.0.0.1:${METRICS_PORT}/metrics`,
        '    operation_class: simple_query',
        '    connections: 4',
        '    amount: 300',
        '',
      ].join('\n'),
    );
    const json = join(dir, 'report.json');
    const result = await runBenchCli([scenarios, '--baseline', join(dir, 'baseline.json'), '--json', json]);
    expect(result.stderr).not.toMatch(/iora bench:/);
    expect(result.code).toBe(0);
    const scenario = (JSON.parse(readFileSync(json, 'utf8')) as BenchReport).scenarios[0]!;
    expect(scenario.runs[0]!.ok).toBe(300);
    const selects = scenario.agent!.db.filter((op) => op.operation.includes('db_system_name=postgresql') && op.operation.includes('iora_db_query_class=simple_select'));
    // The agent publishes what it collected at its last export: most, not necessarily all, of the 300.
    const count = selects.reduce((n, op) => n + op.count, 0);
    expect(count).toBeGreaterThan(100);
    expect(count).toBeLessThanOrEqual(300);
    expect(selects.every((op) => op.meanMs > 0 && op.meanMs < 1000)).toBe(true);
    expect(scenario.agent!.rssBytes).toBeGreaterThan(10 * 1_048_576);
    expect(scenario.agent!.heapUsedDeltaBytes).toEqual(expect.any(Number));
    expect(scenario.agent!.cpuUtilization).toBeGreaterThanOrEqual(0);
    expect(result.stdout).toMatch(/db .*db_system_name=postgresql.*: \d+ operations, mean \d+\.\d\d ms/);
  });
});
