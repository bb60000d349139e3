import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareScenario, DEFAULT_CONFIDENCE_LEVEL, DEFAULT_THRESHOLDS } from '../../src/bench/compare.js';
import { METRICS, type Estimate, type MetricName, type RunMeasurement } from '../../src/bench/measurement.js';
import type { BenchReport } from '../../src/bench/report.js';
import { junitReport } from '../../src/bench/reports/junit.js';
import { markdownReport } from '../../src/bench/reports/markdown.js';
import { terminalReport } from '../../src/bench/reports/terminal.js';

function run(latency: number): RunMeasurement {
  const metrics = {} as Record<MetricName, Estimate>;
  for (const m of METRICS) metrics[m] = { value: latency, lower: latency * 0.98, upper: latency * 1.02 };
  metrics.error_ratio = { value: 0, lower: 0, upper: 0.01 };
  return { startedAt: '2026-11-27T10:00:00.000Z', durationS: 1.5, ok: 150, errors: 0, metrics };
}

/** Two scenarios, one of them (with XML-hostile characters in its name) 40% slower: three latency checks fail. */
function report(): BenchReport {
  const rules = { thresholds: DEFAULT_THRESHOLDS, confidenceLevel: DEFAULT_CONFIDENCE_LEVEL, failOn: 'high' as const, regressionsFail: true };
  const slow = compareScenario([run(140), run(141)], [run(100), run(101)], { p95: 500 }, rules);
  const fine = compareScenario([run(100), run(101)], [run(100), run(101)], {}, rules);
  return {
    file: 'bench.yaml',
    startedAt: '2026-11-27T10:00:00.000Z',
    finishedAt: '2026-11-27T10:00:05.000Z',
    runs: 2,
    failOn: 'high',
    confidenceLevel: DEFAULT_CONFIDENCE_LEVEL,
    thresholds: DEFAULT_THRESHOLDS,
    baseline: { path: 'b.json', recordedAt: '2026-11-26T00:00:00.000Z', updated: false },
    scenarios: [
      { name: 'a<&>"b\'|c', targets: { p95: 500 }, runs: [run(140), run(141)], baselineRuns: 2, checks: slow, notes: [], failed: true },
      { name: 'fine', targets: {}, runs: [run(100), run(101)], baselineRuns: 2, checks: fine, notes: ['a note'], failed: false },
    ],
    failed: true,
  };
}

describe('reports', () => {
  it('JUnit: a suite per scenario, a case per metric, failures for failed checks; escaped names parse back', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junitReport(report()));
    const root = parsed.testsuites;
    expect(root).toMatchObject({ name: 'iora bench', tests: '10', failures: '3', errors: '0', time: '6.000' });
    const [slow, fine] = root.testsuite as Array<{ name: string; failures: string; testcase: Array<{ classname: string; name: string; failure?: { type: string; message: string } }> }>;
    expect(slow!.name).toBe('a<&>"b\'|c');
    expect(slow!.failures).toBe('3');
    expect(slow!.testcase[0]).toMatchObject({ classname: 'iora.bench.a<&>"b\'|c', name: 'latency_p50' });
    expect(slow!.testcase[0]!.failure).toMatchObject({ type: 'regression-critical', message: expect.stringMatching(/^critical regression: 39\.\d% slower than baseline 100\.5 ms \(>99\.9% sure\)$/) });
    expect(slow!.testcase[4]!.failure).toBeUndefined();
    expect(fine!.testcase.every((c) => c.failure === undefined)).toBe(true);
  });

  it('Markdown: verdict, one table row per check, escaped pipes, notes', () => {
    const md = markdownReport(report());
    expect(md.split('\n')[0]).toMatch(/^### ❌ iora bench: FAILED: 3 check\(s\) failed \(fail-on high\)/);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(12);
    expect(rows[2]).toMatch(/^\| a<&>"b'\\\|c \| latency_p50 \| 100\.5 ms \| 140\.5 ms \| \+39\.8% \| >99\.9% \| critical \| — \| \*\*FAIL\*\* \|$/);
    expect(md).toContain('- a note');
    expect(md).toContain('severities medium ≥ 10%, high ≥ 15%, critical ≥ 25%');
  });

  it('terminal: aligned table, notable findings, verdict last', () => {
    const text = terminalReport(report());
    const lines = text.trimEnd().split('\n');
    expect(lines[2]).toMatch(/^scenario\s+metric\s+baseline\s+current\s+change\s+confidence\s+severity\s+target\s+result$/);
    expect(text).toMatch(/latency_p95: critical regression: 39\.\d% slower than baseline 100\.5 ms/);
    expect(lines.at(-1)).toMatch(/^FAILED: 3 check\(s\) failed/);
  });
});
