// iora's public API for what only the app knows: app-level cache lookups and business throughput.
//   import { cache, business } from 'iora/api';
//   cache.hit('sessions'); cache.miss('sessions');
//   business.recordsProcessed(500); business.analysisCompleted(); business.transactionCommitted();
//   await business.timeBlock(() => processBlock(rows));
// Every call is a no-op when the app runs without the agent, and never throws.

import { publishedBusinessInstruments } from './business.js';

/** Attribute values the API accepts for its optional labels. */
export type Labels = Record<string, string | number | boolean>;

export const cache = {
  /** A lookup in the app's own cache `system` (e.g. 'lru', 'sessions') found the value. */
  hit(system = 'app', count = 1): void {
    publishedBusinessInstruments()?.cache.record(system, true, count);
  },
  /** A lookup in the app's own cache `system` did not find the value. */
  miss(system = 'app', count = 1): void {
    publishedBusinessInstruments()?.cache.record(system, false, count);
  },
};

export const business = {
  recordsProcessed(count = 1, labels?: Labels): void {
    publishedBusinessInstruments()?.recordsProcessed.add(count, labels);
  },
  analysisCompleted(count = 1, labels?: Labels): void {
    publishedBusinessInstruments()?.analysesCompleted.add(count, labels);
  },
  transactionCommitted(count = 1, labels?: Labels): void {
    publishedBusinessInstruments()?.transactionsCommitted.add(count, labels);
  },
  /** Records how long one block of records took to process, in seconds. */
  blockProcessed(seconds: number, labels?: Labels): void {
    publishedBusinessInstruments()?.blockProcessingDuration.record(seconds, labels);
  },
  /** Runs `work` and records its duration as one block (also when it throws). */
  async timeBlock<T>(work: () => T | Promise<T>, labels?: Labels): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      business.blockProcessed((performance.now() - started) / 1000, labels);
    }
  },
};
