import { describe, expect, it } from 'vitest';
import { BenchInputError } from '../../src/bench/input-error.js';
import { parseScenarioFile } from '../../src/bench/scenario-file.js';
import { findProfile, loadProfileTargets, resolveTargets, SPEC_TARGETS } from '../../src/bench/targets.js';

describe('profile targets', () => {
  it('reads pipelines/iora.yaml: p95 × the safety margin, p99 as is, the error-rate ceiling', () => {
    expect(findProfile()).toMatch(/pipelines\/iora\.yaml$/);
    const targets = loadProfileTargets(findProfile(), {});
    expect(targets.simple_query.p95).toBeCloseTo(550, 6);
    expect(targets).toEqual({
      simple_query: { p95: expect.closeTo(550, 6), p99: 1000, errorRate: 0.001 },
      complex_analysis: { p95: expect.closeTo(2200, 6), p99: 5000, errorRate: 0.001 },
      bulk_operation: { p95: expect.closeTo(5500, 6), p99: 10000, errorRate: 0.001 },
    });
  });

  it("follows the profile's environment overrides", () => {
    const targets = loadProfileTargets(findProfile(), { IORA_TARGET_SIMPLE_QUERY_P95: '300ms', IORA_ACCEPTABLE_ERROR_RATE: '0.01' });
    expect(targets.simple_query.p95).toBeCloseTo(330, 6);
    expect(targets.bulk_operation.errorRate).toBe(0.01);
  });

  it('a broken override is bad input naming the profile; no profile means the spec numbers', () => {
    expect(() => loadProfileTargets(findProfile(), { IORA_TARGET_SIMPLE_QUERY_P95: 'soon' })).toThrow(BenchInputError);
    expect(() => loadProfileTargets(findProfile(), { IORA_TARGET_SIMPLE_QUERY_P95: 'soon' })).toThrow(/the I\.O\.R\.A\. profile: .*soon/);
    expect(loadProfileTargets(undefined)).toBe(SPEC_TARGETS);
  });

  it("a scenario's explicit targets win over its class's", () => {
    const [s] = parseScenarioFile('scenarios:\n  - { name: a, url: "http://h/", operation_class: complex_analysis, targets: { p99: 3s } }\n', 'f.yaml');
    expect(resolveTargets(s!, SPEC_TARGETS)).toEqual({ p95: 2200, p99: 3000, errorRate: 0.001 });
  });
});
