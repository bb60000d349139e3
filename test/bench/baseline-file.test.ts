import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendHistory, BASELINE_FORMAT, historyPath, loadDifferences, readBaseline, writeBaseline } from '../../src/bench/baseline-file.js';
import { BenchInputError } from '../../src/bench/input-error.js';
import { METRICS, type Estimate, type MetricName } from '../../src/bench/measurement.js';

describe('baseline file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips runs; a metric without data (NaN) survives JSON as null', () => {
    const metrics = {} as Record<MetricName, Estimate>;
    for (const m of METRICS) metrics[m] = { value: 10, lower: 9, upper: 11 };
    metrics.latency_p99 = { value: NaN, lower: NaN, upper: NaN };
    const path = join(dir, 'nested', 'baseline.json');
    writeBaseline(path, {
      format: BASELINE_FORMAT,
      recordedAt: '2026-11-27T00:00:00.000Z',
      scenarios: { a: { load: { url: 'http://h/', method: 'GET', connections: 2, durationMs: 1000 }, runs: [{ startedAt: 'x', durationS: 1, ok: 5, errors: 0, metrics }] } },
    });
    expect(readFileSync(path, 'utf8')).toContain('"latency_p99": {\n');
    const back = readBaseline(path)!;
    expect(back.scenarios.a!.runs[0]!.metrics.latency_p95).toEqual({ value: 10, lower: 9, upper: 11 });
    expect(back.scenarios.a!.runs[0]!.metrics.latency_p99.value).toBeNaN();
  });

  it('no file yet is no baseline; a broken one is bad input that says how to fix it', () => {
    expect(readBaseline(join(dir, 'none.json'))).toBeUndefined();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "something-else", "scenarios": {}}');
    expect(() => readBaseline(broken)).toThrow(BenchInputError);
    expect(() => readBaseline(broken)).toThrow(/not an iora bench baseline .* re-record it with --update-baseline/);
    writeFileSync(broken, `{"format": "${BASELINE_FORMAT}", "recordedAt": "x", "scenarios": {"a": {"runs": []}}}`);
    expect(() => readBaseline(broken)).toThrow(/scenarios\.a needs "load" and a "runs" list/);
    writeFileSync(broken, `{"format": "${BASELINE_FORMAT}", "recordedAt": "x", "scenarios": {"a": {"load": {}, "runs": [null, {"metrics": {"latency_p50": {"value": 3}}}]}}}`);
    const lenient = readBaseline(broken)!.scenarios.a!.runs;
    expect(lenient[0]!.metrics.latency_p50.value).toBeNaN();
    expect(lenient[1]!.metrics.latency_p50.value).toBe(3);
    writeFileSync(broken, '{ nope');
    expect(() => readBaseline(broken)).toThrow(/is not valid JSON/);
  });

  it('history keeps the newest entries only', () => {
    const path = historyPath(join(dir, 'b.json'));
    expect(path).toBe(join(dir, 'b.history.jsonl'));
    for (let i = 0; i < 7; i++) appendHistory(path, { i }, 5);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).i);
    expect(lines).toEqual([2, 3, 4, 5, 6]);
  });

  it('load differences name what changed', () => {
    expect(loadDifferences({ url: 'u', method: 'GET', connections: 10, durationMs: 1000 }, { url: 'u', method: 'GET', connections: 20, amount: 50 })).toEqual([
      'connections 10 → 20',
      'durationMs 1000 → (none)',
      'amount (none) → 50',
    ]);
  });
});
