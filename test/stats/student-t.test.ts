import { describe, expect, it } from 'vitest';
import { logGamma, normalCdf, regularizedIncompleteBeta, studentTCdf } from '../../src/stats/student-t.js';

describe('student-t', () => {
  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });

  it('regularized incomplete beta: I_x(1,1) = x and symmetry', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 10);
    expect(regularizedIncompleteBeta(0.3, 2, 5) + regularizedIncompleteBeta(0.7, 5, 2)).toBeCloseTo(1, 10);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('normal CDF at textbook points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
  });

  it('Student t CDF matches t tables', () => {
    expect(studentTCdf(12.706, 1)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(2.228, 10)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(-2.015, 5)).toBeCloseTo(0.05, 4);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 10);
    expect(studentTCdf(1.96, Infinity)).toBeCloseTo(0.975, 4);
    expect(studentTCdf(1, 0)).toBeNaN();
  });
});
