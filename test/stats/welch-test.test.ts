import { describe, expect, it } from 'vitest';
import { estimateMean, welchTest } from '../../src/stats/welch-test.js';

describe('welchTest', () => {
  it('matches a hand-computed Welch test', () => {
    // Checked against R: t.test(c(22,24,26), c(19,20,21), alternative = "greater") → t 3.098, df 2.94, p 0.027.
    const a = estimateMean([19, 20, 21]);
    const b = estimateMean([22, 24, 26]);
    const r = welchTest(a, b);
    expect(r.difference).toBeCloseTo(4, 10);
    // se = sqrt(1/3 + 4/3) = 1.2910; t = 3.0984; df = (5/3)^2 / ((1/9)/2 + (16/9)/2) = 2.9412
    expect(r.standardError).toBeCloseTo(1.290994, 5);
    expect(r.t).toBeCloseTo(3.098387, 5);
    expect(r.degreesOfFreedom).toBeCloseTo(2.941176, 5);
    expect(r.pGreater).toBeGreaterThan(0.02);
    expect(r.pGreater).toBeLessThan(0.03);
  });

  it('noise-sized differences are not significant, large ones are', () => {
    const base = estimateMean([100, 103, 98, 101]);
    expect(welchTest(base, estimateMean([102, 99, 104, 100])).pGreater).toBeGreaterThan(0.2);
    expect(welchTest(base, estimateMean([130, 133, 128, 131])).pGreater).toBeLessThan(0.001);
  });

  it('known standard errors (df = Infinity) give a z-test', () => {
    const r = welchTest({ mean: 0, standardError: 1, degreesOfFreedom: Infinity }, { mean: 1.959964 * Math.SQRT2, standardError: 1, degreesOfFreedom: Infinity });
    expect(r.degreesOfFreedom).toBe(Infinity);
    expect(r.pGreater).toBeCloseTo(0.025, 4);
  });

  it('zero spread: any difference is certain, none is a coin flip', () => {
    const a = estimateMean([5, 5]);
    expect(welchTest(a, estimateMean([6, 6])).pGreater).toBe(0);
    expect(welchTest(a, estimateMean([4, 4])).pGreater).toBe(1);
    expect(welchTest(a, estimateMean([5, 5])).pGreater).toBe(0.5);
  });
});
