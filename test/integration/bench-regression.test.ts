// `iora bench` end to end against a real HTTP server whose delay the test controls: an unchanged
// server, a few percent of random noise, and a 30% slowdown, each compared with a baseline recorded
// just before it.
//
// This 2-core machine is shared with other test files; a burst of load on it slows every request by
// tens of milliseconds — a real slowdown that the bench rightly reports. Each case therefore records
// its own baseline right before measuring (so little can change in between) and is retried when a
// burst still lands between the two.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/report.js';
import { startDelayServer, type DelayServer } from '../bench/delay-server.js';
import { runBenchCli } from '../bench/capture-output.js';

// Delays of 300 ms keep scheduling noise (tens of ms at worst) small beside them. A ±10% spread per
// request, as a real service has, keeps the connections from moving in lockstep (30 responses due at
// one instant queue behind each other and make the tail noisy).
const BASE_DELAY_MS = 300;
const SPREAD = 0.1;
const RETRY = { retry: 2 };

describe('iora bench against a real server', () => {
  let server: DelayServer;
  let dir: string;
  let scenarios: string;
  let baseline: string;

  beforeAll(async () => {
    server = await startDelayServer(BASE_DELAY_MS);
    server.jitter = SPREAD;
    dir = mkdtempSync(join(tmpdir(), 'bench-regression-'));
    scenarios = join(dir, 'bench.yaml');
    baseline = join(dir, 'baseline.json');
    writeFileSync(
      scenarios,
      [
        'defaults:',
        '  connections: 30',
        '  duration: 1500ms',
        '  warmup: 300ms',
        'scenarios:',
        '  - name: get-user',
        `    url: ${server.url}/users/1`,
        // Loose targets: this test is about the comparison with the baseline.
        '    targets: { p99: 10s }',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bench = async (name: string, ...extra: string[]) => {
    const files = { json: join(dir, `${name}.json`), junit: join(dir, `${name}.xml`), markdown: join(dir, `${name}.md`) };
    const args = [scenarios, '--baseline', baseline, '--runs', '3', '--json', files.json, '--junit', files.junit, '--markdown', files.markdown, ...extra];
    const result = await runBenchCli(args);
    return {
      ...result,
      report: JSON.parse(readFileSync(files.json, 'utf8')) as BenchReport,
      junit: new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(files.junit, 'utf8')),
      markdown: readFileSync(files.markdown, 'utf8'),
    };
  };

  /** Records a baseline of three runs at the server's normal delay; returns its mean median latency. */
  const recordBaseline = async (): Promise<number> => {
    server.delayMs = BASE_DELAY_MS;
    const result = await bench('record', '--update-baseline');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/get-user: run 3\/3: p50/);
    const stored = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(stored.format).toBe('iora-bench-baseline/1');
    const runs = stored.scenarios['get-user'].runs as Array<{ metrics: { latency_p50: { value: number } } }>;
    expect(runs).toHaveLength(3);
    return runs.reduce((sum, r) => sum + r.metrics.latency_p50.value, 0) / runs.length;
  };

  it('an unchanged server passes', RETRY, async () => {
    await recordBaseline();
    const result = await bench('unchanged');
    expect(result.code).toBe(0);
    const checks = result.report.scenarios[0]!.checks;
    expect(checks.some((c) => c.regression || c.failed)).toBe(false);
    expect(result.report.scenarios[0]!.baselineRuns).toBe(3);
    expect(result.junit.testsuites.failures).toBe('0');
    expect(result.markdown).toContain('✅');
    expect(result.stdout).toMatch(/PASSED/);
  });

  it('a few percent of random noise across runs does not fail', RETRY, async () => {
    await recordBaseline();
    // The server's typical delay wanders within ±3% every 200 ms, so each run meets another level.
    const wander = setInterval(() => {
      server.delayMs = BASE_DELAY_MS * (1 + (Math.random() * 2 - 1) * 0.03);
    }, 200);
    try {
      const result = await bench('noise');
      expect(result.code).toBe(0);
      const checks = result.report.scenarios[0]!.checks;
      expect(checks.filter((c) => c.failed)).toEqual([]);
      expect(checks.some((c) => c.severity === 'high' || c.severity === 'critical')).toBe(false);
    } finally {
      clearInterval(wander);
      server.delayMs = BASE_DELAY_MS;
    }
  });

  it('30% more latency fails with a critical regression in every report format', RETRY, async () => {
    // "+30%" of what clients saw: the added delay is 30% of the baseline's measured median (server
    // delay plus client, network and scheduling overhead).
    server.delayMs = BASE_DELAY_MS + 0.3 * (await recordBaseline());
    try {
      const result = await bench('slower');
      expect(result.code).toBe(1);

      const p50 = result.report.scenarios[0]!.checks.find((c) => c.metric === 'latency_p50')!;
      expect(p50.severity).toBe('critical');
      expect(p50.significant).toBe(true);
      expect(p50.degradation).toBeGreaterThan(0.25);
      expect(p50.failed).toBe(true);
      expect(result.report.failed).toBe(true);

      const suite = result.junit.testsuites.testsuite;
      expect(suite.name).toBe('get-user');
      const cases = suite.testcase as Array<{ name: string; failure?: { type: string; message: string } }>;
      expect(cases.map((c) => c.name)).toEqual(['latency_p50', 'latency_p95', 'latency_p99', 'throughput', 'error_ratio']);
      const p50Case = cases.find((c) => c.name === 'latency_p50')!;
      expect(p50Case.failure?.type).toBe('regression-critical');
      expect(p50Case.failure?.message).toMatch(/critical regression: \d+\.\d% slower/);
      expect(Number(result.junit.testsuites.failures)).toBeGreaterThanOrEqual(1);

      expect(result.markdown).toContain('❌');
      expect(result.markdown).toMatch(/\| get-user \| latency_p50 \|.*\| critical \|.*\*\*FAIL\*\* \|/);
      expect(result.stdout).toMatch(/latency_p50: critical regression/);
      expect(result.stdout).toMatch(/FAILED: .*get-user latency_p50/);

      // Every bench leaves a line in the history next to the baseline: the recording, then this one.
      const history = readFileSync(join(dir, 'baseline.history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const [recorded, slower] = history.slice(-2);
      expect(recorded).toMatchObject({ failed: false, baselineUpdated: true });
      expect(slower).toMatchObject({ failed: true, baselineUpdated: false });
      expect(slower.scenarios['get-user'].latency_p50).toBeGreaterThan(recorded.scenarios['get-user'].latency_p50 * 1.25);
    } finally {
      server.delayMs = BASE_DELAY_MS;
    }
  });
});
