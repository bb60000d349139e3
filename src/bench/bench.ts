// `iora bench` without the command line: load the scenarios, run each, compare with the baseline
// and the targets, keep history, optionally record a new baseline. Returns the report; rendering and
// exit codes belong to the CLI.

import { dirname, resolve } from 'node:path';
import { combineAgentDeltas } from './agent-metrics.js';
import { appendHistory, BASELINE_FORMAT, historyPath, loadDifferences, loadShape, readBaseline, writeBaseline, type Baseline } from './baseline-file.js';
import { compareScenario, DEFAULT_CONFIDENCE_LEVEL, DEFAULT_THRESHOLDS, type FailOn } from './compare.js';
import type { BenchReport, ScenarioResult } from './report.js';
import { runScenario } from './run-scenario.js';
import { loadScenarioFile } from './scenario-file.js';
import type { Scenario } from './scenario.js';
import { findProfile, loadProfileTargets, resolveTargets, type ProfileTargets } from './targets.js';

export interface BenchOptions {
  file: string;
  baselinePath: string;
  updateBaseline: boolean;
  runs: number;
  failOn: FailOn;
  log: (line: string) => void;
  progressStream?: NodeJS.WritableStream;
}

function historyEntry(report: BenchReport): unknown {
  const scenarios: Record<string, Record<string, number | null>> = {};
  for (const s of report.scenarios) {
    scenarios[s.name] = Object.fromEntries(s.checks.map((c) => [c.metric, Number.isFinite(c.current) ? c.current : null]));
  }
  return { at: report.finishedAt, file: report.file, runs: report.runs, failed: report.failed, baselineUpdated: report.baseline.updated, scenarios };
}

function evaluate(scenario: Scenario, runs: ScenarioResult['runs'], baseline: Baseline | undefined, profile: ProfileTargets, opts: BenchOptions): ScenarioResult {
  const targets = resolveTargets(scenario, profile);
  const recorded = baseline?.scenarios[scenario.name];
  const notes: string[] = [];
  if (!recorded) notes.push('no baseline for this scenario yet: judged against its targets only');
  else {
    const differences = loadDifferences(recorded.load, loadShape(scenario));
    if (differences.length > 0) notes.push(`baseline recorded under a different load (${differences.join(', ')}): re-record it with --update-baseline`);
  }
  const checks = compareScenario(runs, recorded?.runs, targets, {
    thresholds: DEFAULT_THRESHOLDS,
    confidenceLevel: DEFAULT_CONFIDENCE_LEVEL,
    failOn: opts.failOn,
    // Recording a new baseline accepts the current numbers: only absolute targets can fail it.
    regressionsFail: !opts.updateBaseline,
  });
  const result: ScenarioResult = { name: scenario.name, targets, runs, checks, notes, failed: checks.some((c) => c.failed) };
  if (scenario.operationClass) result.operationClass = scenario.operationClass;
  if (recorded) result.baselineRuns = recorded.runs.length;
  const agent = combineAgentDeltas(runs.flatMap((r) => (r.agent ? [r.agent] : [])));
  if (agent) result.agent = agent;
  return result;
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const scenarios = loadScenarioFile(opts.file);
  const profile = loadProfileTargets(findProfile());
  const baseline = readBaseline(opts.baselinePath);
  const cwd = dirname(resolve(opts.file));
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const runOpts = { runs: opts.runs, cwd, log: opts.log, ...(opts.progressStream ? { progressStream: opts.progressStream } : {}) };
    const runs = await runScenario(scenario, runOpts);
    results.push(evaluate(scenario, runs, baseline, profile, opts));
  }
  const report: BenchReport = {
    file: opts.file,
    startedAt,
    finishedAt: new Date().toISOString(),
    runs: opts.runs,
    failOn: opts.failOn,
    confidenceLevel: DEFAULT_CONFIDENCE_LEVEL,
    thresholds: DEFAULT_THRESHOLDS,
    baseline: { path: opts.baselinePath, updated: opts.updateBaseline },
    scenarios: results,
    failed: results.some((s) => s.failed),
  };
  if (baseline) report.baseline.recordedAt = baseline.recordedAt;
  if (opts.updateBaseline) {
    writeBaseline(opts.baselinePath, {
      format: BASELINE_FORMAT,
      recordedAt: report.finishedAt,
      scenarios: Object.fromEntries(
        scenarios.map((s, i) => [s.name, { load: loadShape(s), runs: results[i]!.runs.map(({ agent: _agent, ...run }) => run) }]),
      ),
    });
  }
  appendHistory(historyPath(opts.baselinePath), historyEntry(report));
  return report;
}
