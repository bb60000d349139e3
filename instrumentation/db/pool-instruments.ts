// The connection-pool instruments both pool instrumentations (pg-pool.ts, mysql2-pool.ts) record, with
// instrumentation-pg's names, descriptions and attributes, so dashboards and the validate processor read
// every driver's pools the same way. Each driver only says how to read its pools' state.

import type { Attributes, Histogram, Meter } from '@opentelemetry/api';

/** One pool's state when metrics are collected. */
export interface PoolState {
  idle: number;
  used: number;
  max: number;
  pending: number;
}

/** Calls `each` with every live pool's state and attributes (the pool name). */
export type EachPool = (each: (state: PoolState, attrs: Attributes) => void) => void;

/**
 * Creates `db.client.connection.count` (idle/used), `.max` and `.pending_requests`, observed from
 * `eachPool` at collection, and returns the `db.client.connection.wait_time` histogram for the driver to
 * record into.
 */
export function createPoolInstruments(meter: Meter, eachPool: EachPool): Histogram {
  const usage = meter.createObservableUpDownCounter('db.client.connection.count', {
    description: 'The number of connections that are currently in state described by the state attribute',
    unit: '{connection}',
  });
  const max = meter.createObservableUpDownCounter('db.client.connection.max', {
    description: 'The maximum number of open connections allowed',
    unit: '{connection}',
  });
  const pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
    description: 'The number of current pending requests for an open connection',
    unit: '{request}',
  });
  usage.addCallback((r) =>
    eachPool((state, a) => {
      r.observe(state.used, { ...a, 'db.client.connection.state': 'used' });
      r.observe(state.idle, { ...a, 'db.client.connection.state': 'idle' });
    }),
  );
  max.addCallback((r) => eachPool((state, a) => r.observe(state.max, a)));
  pending.addCallback((r) => eachPool((state, a) => r.observe(state.pending, a)));
  return meter.createHistogram('db.client.connection.wait_time', {
    description: 'Time it took to obtain an open connection from the pool',
    unit: 's',
  });
}
