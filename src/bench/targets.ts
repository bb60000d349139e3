// Targets per operation class from the I.O.R.A. profile (pipelines/iora.yaml, the `validate`
// processor's targets, with its `${env:IORA_…}` overrides), judged the way `validate` judges them:
// p95 above target × safety margin, p99 above its limit, the error-rate ceiling. Without the profile
// file (an installation that left it out), the specification's numbers below.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../pipeline/config.js';
import { parseDuration } from '../pipeline/duration.js';
import type { ValidateConfig } from '../processors/validate/config.js';
import { BenchInputError } from './input-error.js';
import { OPERATION_CLASSES, type OperationClass, type Scenario, type Targets } from './scenario.js';

export type ProfileTargets = Readonly<Record<OperationClass, Targets>>;

/** The specification's API targets (p95 500 ms / 2 s / 5 s × 1.1 margin, p99 1 s / 5 s / 10 s, errors 0.1%). */
export const SPEC_TARGETS: ProfileTargets = {
  simple_query: { p95: 550, p99: 1_000, errorRate: 0.001 },
  complex_analysis: { p95: 2_200, p99: 5_000, errorRate: 0.001 },
  bulk_operation: { p95: 5_500, p99: 10_000, errorRate: 0.001 },
};

/** pipelines/iora.yaml of this installation: found by walking up from this module (src/ or dist/src/). */
export function findProfile(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'pipelines', 'iora.yaml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

function fromValidateConfig(config: ValidateConfig): ProfileTargets {
  const out = {} as Record<OperationClass, Targets>;
  for (const cls of OPERATION_CLASSES) {
    const target = config.targets[cls];
    const targets: Targets = { errorRate: config.error_rate };
    const p95 = target?.p95 === undefined ? undefined : parseDuration(target.p95);
    const p99 = target?.p99 === undefined ? undefined : parseDuration(target.p99);
    if (p95 !== undefined) targets.p95 = p95 * (target?.safety_margin ?? config.safety_margin);
    if (p99 !== undefined) targets.p99 = p99;
    out[cls] = targets;
  }
  return out;
}

/** Reads the profile's validate targets; the spec's numbers when there is no profile. Throws BenchInputError. */
export function loadProfileTargets(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ProfileTargets {
  if (path === undefined) return SPEC_TARGETS;
  const { config, errors } = loadConfig(path, env);
  if (!config) throw new BenchInputError(errors.map((e) => `the I.O.R.A. profile: ${e}`));
  const validate = [...config.processors.values()].find((c) => c.type === 'validate');
  return validate ? fromValidateConfig(validate.config as ValidateConfig) : SPEC_TARGETS;
}

/** The scenario's explicit targets win over its operation class's. */
export function resolveTargets(scenario: Scenario, profile: ProfileTargets): Targets {
  const base = scenario.operationClass ? profile[scenario.operationClass] : {};
  return { ...base, ...scenario.targets };
}
