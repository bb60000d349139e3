import { describe, expect, it } from 'vitest';
import { BucketRing } from '../../../src/processors/baseline/internal/bucket-ring.js';

const H = 3_600_000;

describe('BucketRing', () => {
  it('holds a period of buckets and hands back the ones a newer bucket pushes out', () => {
    const ring = new BucketRing(3, H);
    expect(ring.set(0, 10, 1)).toEqual({ stored: true, displaced: [] });
    expect(ring.set(H, 10, 2)).toEqual({ stored: true, displaced: [] });
    expect(ring.set(2 * H, 10, 3)).toEqual({ stored: true, displaced: [] });
    expect(ring.occupied).toBe(3);
    // Bucket 3 takes bucket 0's slot; bucket 6 leaves a gap of two and pushes out all three it follows.
    expect(ring.set(3 * H, 10, 4)).toEqual({ stored: true, displaced: [0] });
    expect(ring.has(0)).toBe(false);
    expect(ring.has(3 * H)).toBe(true);
    expect(ring.set(6 * H, 10, 7)).toEqual({ stored: true, displaced: [H, 2 * H, 3 * H] });
    expect(ring.occupied).toBe(1);
    expect(ring.allStarts()).toEqual([6 * H]);
  });

  it('updates a bucket in place, and refuses one a whole period older than the newest', () => {
    const ring = new BucketRing(3, H);
    ring.set(5 * H, 10, 1);
    expect(ring.set(4 * H, 10, 2)).toEqual({ stored: true, displaced: [] }); // late, still in the period
    expect(ring.set(4 * H, 20, 3)).toEqual({ stored: true, displaced: [] });
    expect(ring.occupied).toBe(2);
    expect(ring.set(2 * H, 10, 9)).toEqual({ stored: false, displaced: [] });
    expect(ring.has(2 * H)).toBe(false);
    expect(ring.medianSeries(5 * H)).toEqual([undefined, 3, 1]);
  });

  it('removes, finds old and same-phase buckets, and gives medians of empty buckets as gaps', () => {
    const ring = new BucketRing(48, H);
    for (let h = 0; h < 48; h++) ring.set(h * H, h === 30 ? 0 : 5, h);
    expect(ring.startsBefore(2 * H)).toEqual([H, 0]);
    expect(ring.samePhase(47 * H, 24 * H)).toEqual([47 * H, 23 * H]);
    ring.remove(H);
    ring.remove(H); // twice is a no-op
    expect(ring.occupied).toBe(47);
    const medians = ring.medianSeries(47 * H);
    expect(medians[1]).toBeUndefined(); // removed
    expect(medians[30]).toBeUndefined(); // no samples
    expect(medians[47]).toBe(47);
  });
});
