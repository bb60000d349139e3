// The outcome of one `iora bench`, the single object every report format renders.

import type { AgentDelta } from './agent-metrics.js';
import type { FailOn, MetricCheck } from './compare.js';
import type { RunMeasurement } from './measurement.js';
import type { RegressionThresholds } from '../processors/regression/config.js';
import type { OperationClass, Targets } from './scenario.js';

export interface ScenarioResult {
  name: string;
  operationClass?: OperationClass;
  targets: Targets;
  runs: RunMeasurement[];
  /** Number of runs in the baseline compared against (absent: no baseline for this scenario). */
  baselineRuns?: number;
  checks: MetricCheck[];
  notes: string[];
  /** What the agent saw during the runs, when the scenario has a metrics_url. */
  agent?: AgentDelta;
  failed: boolean;
}

export interface BenchReport {
  file: string;
  startedAt: string;
  finishedAt: string;
  runs: number;
  failOn: FailOn;
  confidenceLevel: number;
  thresholds: RegressionThresholds;
  baseline: { path: string; recordedAt?: string; updated: boolean };
  scenarios: ScenarioResult[];
  failed: boolean;
}
