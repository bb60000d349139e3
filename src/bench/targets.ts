// The I.O.R.A. profile's API targets per operation class (the specification's "API Response Times"),
// and the merge of a scenario's explicit targets over its class's.

import type { OperationClass, Scenario, Targets } from './scenario.js';

/** P95 / P99 in milliseconds and the acceptable error rate (0.1%), per operation class. */
export const PROFILE_TARGETS: Readonly<Record<OperationClass, Targets>> = {
  simple_query: { p95: 500, p99: 1_000, errorRate: 0.001 },
  complex_analysis: { p95: 2_000, p99: 5_000, errorRate: 0.001 },
  bulk_operation: { p95: 5_000, p99: 10_000, errorRate: 0.001 },
};

/** The scenario's explicit targets win over its operation class's. */
export function resolveTargets(scenario: Scenario, profile: Readonly<Record<OperationClass, Targets>> = PROFILE_TARGETS): Targets {
  const base = scenario.operationClass ? profile[scenario.operationClass] : {};
  return { ...base, ...scenario.targets };
}
