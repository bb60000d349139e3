// `iora bench` on bad input and on the paths around the measurement: every problem reported at once
// with scenario, field and line and exit 2; setup/cleanup commands; targets breached without a
// baseline; the agent's /metrics scraped around each run.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../../src/bench/report.js';
import { runBenchCli } from '../bench/capture-output.js';
import { startDelayServer, type DelayServer } from '../bench/delay-server.js';

/** Nothing listens here (the bench task's port range). */
const CLOSED_PORT = 20099;

describe('iora bench input and surroundings', () => {
  let dir: string;
  let server: DelayServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-input-'));
    server = await startDelayServer(20);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('reports every problem of a malformed scenario file with scenario, field and line, exit 2', async () => {
    const path = file('bad.yaml', [
      'scenarios:',
      '  - name: checkout',
      '    url: not-a-url',
      '    duration: 2x',
      '    connections: 0',
      '    targets: { p95: fast, error_rate: 5 }',
      '  - name: search',
      '    url: http://127.0.0.1:1/search',
      '    methd: POST',
      '  - url: http://127.0.0.1:1/',
      '    operation_class: simple_query',
    ]);
    const result = await runBenchCli([path, '--baseline', join(dir, 'b.json')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `iora bench: ${path}: scenarios[0] "checkout": url: "not-a-url" is not an http(s) URL (line 3)`,
        expect.stringMatching(/^iora bench: .*scenarios\[0\] "checkout": duration: "2x" is not a duration .*\(line 4\)$/),
        `iora bench: ${path}: scenarios[0] "checkout": connections: must be a positive integer (line 5)`,
        expect.stringMatching(/scenarios\[0\] "checkout": targets\.p95: "fast" is not a duration .*\(line 6\)$/),
        expect.stringMatching(/scenarios\[0\] "checkout": targets\.error_rate: must be a ratio between 0 and 1 .*\(line 6\)$/),
        expect.stringMatching(/scenarios\[1\] "search": methd: unknown key .*\(line 9\)$/),
        expect.stringMatching(/scenarios\[1\] "search": operation_class: no target: set operation_class .* or targets .*\(line 7\)$/),
        expect.stringMatching(/scenarios\[2\]: name: is required \(line 10\)$/),
      ]),
    );
    expect(lines).toHaveLength(8);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('a missing scenario file, a YAML syntax error and bad options exit 2 with one clear line each', async () => {
    const missing = await runBenchCli([join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read the scenario file \(ENOENT\)/);

    const syntax = await runBenchCli([file('syntax.yaml', ['scenarios:', '  - name: [unclosed'])]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/syntax\.yaml: YAML syntax: .*\(line \d+\)/);

    const options = await runBenchCli(['x.yaml', '--runs', '0', '--fail-on', 'low']);
    expect(options.code).toBe(2);
    expect(options.stderr).toContain('--runs must be a positive integer, got "0"');
    expect(options.stderr).toContain('--fail-on must be one of medium, high, critical, got "low"');

    const unknown = await runBenchCli(['x.yaml', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
  });

  it('an unreachable URL names the scenario and field, exit 2, and cleanup still runs', async () => {
    const path = file('down.yaml', [
      'scenarios:',
      '  - name: down',
      `    url: http://127.0.0.1:${CLOSED_PORT}/`,
      '    operation_class: simple_query',
      '    setup: touch setup-ran',
      '    cleanup: touch cleanup-ran',
    ]);
    const result = await runBenchCli([path, '--baseline', join(dir, 'down.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`iora bench: scenario "down": url: cannot reach http://127.0.0.1:${CLOSED_PORT}/: ECONNREFUSED`);
    expect(existsSync(join(dir, 'setup-ran'))).toBe(true);
    expect(existsSync(join(dir, 'cleanup-ran'))).toBe(true);
  });

  it('a failing setup command is bad input, exit 2', async () => {
    const path = file('setup.yaml', ['scenarios:', '  - name: prepare', `    url: ${server.url}/`, '    targets: { p95: 1s }', '    setup: exit 3']);
    const result = await runBenchCli([path, '--baseline', join(dir, 'setup.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('iora bench: scenario "prepare": setup: "exit 3" failed: exit status 3');
  });

  it('breached targets fail without any baseline: errors over the profile rate, p95 over an explicit target', async () => {
    server.status = 500;
    try {
      const path = file('targets.yaml', [
        'defaults: { connections: 4, duration: 500ms }',
        'scenarios:',
        '  - name: broken',
        `    url: ${server.url}/broken`,
        '    operation_class: simple_query',
        '  - name: strict',
        `    url: ${server.url}/strict`,
        '    method: POST',
        '    body: { id: 1 }',
        '    targets: { p95: 5ms }',
      ]);
      const junitPath = join(dir, 'targets.xml');
      const jsonPath = join(dir, 'targets.json');
      const result = await runBenchCli([path, '--baseline', join(dir, 'targets-baseline.json'), '--junit', junitPath, '--json', jsonPath]);
      expect(result.code).toBe(1);
      const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchReport;
      const errorRatio = report.scenarios[0]!.checks.find((c) => c.metric === 'error_ratio')!;
      expect(errorRatio.current).toBe(1);
      expect(errorRatio.target).toBe(0.001);
      expect(errorRatio.targetBreached).toBe(true);
      expect(report.scenarios[0]!.notes[0]).toMatch(/no baseline/);
      const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junitPath, 'utf8'));
      const strict = (junit.testsuites.testsuite as Array<{ name: string; testcase: Array<{ name: string; failure?: { type: string } }> }>)[1]!;
      expect(strict.name).toBe('strict');
      // All 500s: no successful response has a latency, which breaches a latency target too.
      expect(strict.testcase.find((c) => c.name === 'latency_p95')!.failure?.type).toBe('target-breach');
    } finally {
      server.status = 200;
    }
  });

  it('scrapes the agent /metrics before and after each run and reports the differences', async () => {
    const registry = new Registry();
    const db = new Histogram({
      name: 'db_client_operation_duration_seconds',
      help: 'db time',
      labelNames: ['db_system_name', 'db_operation_name'],
      registers: [registry],
    });
    const metrics: Server = createServer((_req, res) => {
      void registry.metrics().then((text) => res.end(text));
    });
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    const app: Server = createServer((_req, res) => {
      db.observe({ db_system_name: 'postgresql', db_operation_name: 'SELECT' }, 0.004);
      res.end('ok');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const path = file('agent.yaml', [
        'scenarios:',
        '  - name: agent',
        `    url: http://127.0.0.1:${(app.address() as AddressInfo).port}/`,
        `    metrics_url: http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`,
        '    operation_class: simple_query',
        '    connections: 2',
        '    amount: 200',
        '    warmup: 200ms',
      ]);
      const jsonPath = join(dir, 'agent.json');
      const result = await runBenchCli([path, '--baseline', join(dir, 'agent-baseline.json'), '--runs', '2', '--json', jsonPath]);
      expect(result.code).toBe(0);
      const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchReport;
      const scenario = report.scenarios[0]!;
      // Warm-up requests happen before the first scrape: only the measured 2 × 200 count.
      expect(scenario.runs.map((r) => r.ok)).toEqual([200, 200]);
      expect(scenario.agent?.db).toEqual([{ operation: 'db_operation_name=SELECT db_system_name=postgresql', count: 400, meanMs: expect.closeTo(4, 6) }]);
      expect(result.stdout).toContain('db db_operation_name=SELECT db_system_name=postgresql: 400 operations, mean 4.00 ms');
    } finally {
      await new Promise((resolve) => metrics.close(resolve));
      await new Promise((resolve) => app.close(resolve));
    }
  });
});
