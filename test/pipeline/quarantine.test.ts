import { describe, expect, it } from 'vitest';
import { BoundedQuarantine } from '../../src/pipeline/quarantine.js';

describe('BoundedQuarantine', () => {
  it('holds a series until its expiry, and releases on demand', () => {
    const q = new BoundedQuarantine();
    q.hold('s1', 1_000);
    q.hold('s2', 1_000);
    expect(q.isHeld('s1', 999)).toBe(true);
    expect(q.isHeld('s1', 1_000)).toBe(false);
    expect(q.size).toBe(1); // expired entries are removed when seen
    q.release('s2');
    expect(q.isHeld('s2', 0)).toBe(false);
  });

  it('evicts the oldest hold when full, counting it', () => {
    const q = new BoundedQuarantine(2);
    q.hold('a', 10);
    q.hold('b', 10);
    q.hold('a', 20); // re-holding refreshes its age
    q.hold('c', 10);
    expect([q.isHeld('a', 0), q.isHeld('b', 0), q.isHeld('c', 0)]).toEqual([true, false, true]);
    expect(q.evicted).toBe(1);
  });
});
