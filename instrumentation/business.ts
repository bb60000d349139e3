// Business throughput instruments (the spec's throughput section), fed by the public API in api.ts.
// The running agent publishes them on a global symbol, so `iora/api` works whichever copy of iora the app
// imported (ESM or CJS) and is a silent no-op when the app runs without the agent.

import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { CacheRecorder } from './cache.js';

export interface BusinessInstruments {
  cache: CacheRecorder;
  recordsProcessed: Counter;
  analysesCompleted: Counter;
  transactionsCommitted: Counter;
  blockProcessingDuration: Histogram<Attributes>;
}

export const AGENT_API = Symbol.for('iora.agent.api');

export function createBusinessInstruments(meter: Meter, cache: CacheRecorder): BusinessInstruments {
  return {
    cache,
    recordsProcessed: meter.createCounter('iora.records.processed', { description: 'Records processed by the app', unit: '{record}' }),
    analysesCompleted: meter.createCounter('iora.analyses.completed', { description: 'Analyses completed by the app', unit: '{analysis}' }),
    transactionsCommitted: meter.createCounter('iora.transactions.committed', {
      description: 'Transactions committed by the app',
      unit: '{transaction}',
    }),
    blockProcessingDuration: meter.createHistogram('iora.block.processing.duration', {
      description: 'Time to process one block of records',
      unit: 's',
    }),
  };
}

type ApiHolder = { [AGENT_API]?: BusinessInstruments };

export function publishBusinessInstruments(instruments: BusinessInstruments | undefined): void {
  (globalThis as ApiHolder)[AGENT_API] = instruments;
}

export function publishedBusinessInstruments(): BusinessInstruments | undefined {
  return (globalThis as ApiHolder)[AGENT_API];
}
