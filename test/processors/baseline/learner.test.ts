import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDefaultConfig, resolve } from '../../../src/processors/baseline/config.js';
import { fromExponential } from '../../../src/processors/baseline/internal/distribution.js';
import { Learner } from '../../../src/processors/baseline/internal/learner.js';
import { SeriesState } from '../../../src/processors/baseline/internal/series-state.js';
import type { StateStore } from '../../../src/store/state-store.js';

describe('Learner', () => {
  it('logs a failing store once and keeps learning in memory', () => {
    const lines: string[] = [];
    const logger = pino({}, { write: (s: string) => void lines.push(s) });
    const failing = {
      location: '/full/disk.db',
      putBuckets: () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      getBucket: () => undefined,
      deleteBucketsBefore: () => 0,
    } as unknown as StateStore;
    const cfg = resolve({ ...createDefaultConfig(), period: '3h' });
    const learner = new Learner(cfg, failing, 'baseline', logger);
    const state = new SeriesState('k', { resource: {}, metric: 'm', labels: { metric: 'm' } }, 3, cfg.bucketMs, 0);
    for (let hour = 0; hour < 3; hour++) {
      const dist = fromExponential({ attributes: {}, startTimeMs: 0, timeMs: 0, count: 5, sum: 10, scale: 0, zeroCount: 0, positive: { offset: 1, bucketCounts: [5] }, negative: { offset: 0, bucketCounts: [] } });
      learner.absorb(state, hour * cfg.bucketMs + 1000, dist, hour * cfg.bucketMs + 2000);
      learner.closeDue(state, (hour + 1) * cfg.bucketMs);
      learner.flush((hour + 1) * cfg.bucketMs, true);
    }
    expect(learner.storeFailures).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('cannot write the state store /full/disk.db');
    expect(learner.view(state, 3 * cfg.bucketMs)!.samples).toBe(15);
  });
});
