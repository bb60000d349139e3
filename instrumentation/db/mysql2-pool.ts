// mysql2 pool metrics, which instrumentation-mysql2 does not record: the wait for a connection
// (`db.client.connection.wait_time`, from getConnection's call to its callback, covering pool.query too)
// and the usage gauges idle/used/max/pending (pool-instruments.ts), read from each live pool when metrics
// are collected.

import type { Attributes, Histogram } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { createPoolInstruments, type PoolState } from './pool-instruments.js';

interface Mysql2Pool {
  _closed?: boolean;
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number; connectionConfig?: { host?: string; port?: number; database?: string } };
  getConnection(cb: (err: unknown, conn: unknown) => void): void;
}
type GetConnection = Mysql2Pool['getConnection'];
const original = Symbol.for('iora.mysql2.getConnection');
const poolAttributes = Symbol('iora.mysql2.poolAttributes');
type TrackedPool = Mysql2Pool & { [poolAttributes]?: Attributes };

function poolName(pool: Mysql2Pool): string {
  const c = pool.config?.connectionConfig;
  return `${c?.host ?? 'localhost'}:${c?.port ?? 3306}/${c?.database ?? ''}`;
}

export class Mysql2PoolInstrumentation extends InstrumentationBase {
  private declare waitTime: Histogram;
  private readonly pools = new Set<TrackedPool>();

  constructor() {
    super('iora-mysql2-pool', '0.1.0', {});
  }

  protected override _updateMetricInstruments(): void {
    this.waitTime = createPoolInstruments(this.meter, (each) => this.eachPool(each));
  }

  private eachPool(each: (state: PoolState, attrs: Attributes) => void): void {
    for (const pool of this.pools) {
      if (pool._closed) this.pools.delete(pool);
      else if (pool[poolAttributes]) {
        const idle = pool._freeConnections?.length ?? 0;
        const used = (pool._allConnections?.length ?? 0) - idle;
        each({ idle, used, max: pool.config?.connectionLimit ?? 0, pending: pool._connectionQueue?.length ?? 0 }, pool[poolAttributes]);
      }
    }
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    // lib/pool.js is hooked as a file: `mysql2/promise` requires it directly, never the package's index.
    const poolFile = new InstrumentationNodeModuleFile(
      'mysql2/lib/pool.js',
      ['>=3 <4'],
      (Pool: { prototype: Mysql2Pool }) => {
        if (!(original in Pool.prototype.getConnection)) this.patch(Pool.prototype);
        return Pool;
      },
      (Pool: { prototype: Mysql2Pool }) => {
        const unwrapped = (Pool.prototype.getConnection as unknown as Record<symbol, GetConnection>)[original];
        if (unwrapped) Pool.prototype.getConnection = unwrapped;
      },
    );
    return [new InstrumentationNodeModuleDefinition('mysql2', ['>=3 <4'], undefined, undefined, [poolFile])];
  }

  private patch(proto: Mysql2Pool): void {
    const getConnection = proto.getConnection;
    const track = (pool: TrackedPool): void => {
      pool[poolAttributes] = { 'db.client.connection.pool.name': poolName(pool) };
      this.pools.add(pool);
    };
    const recordWait = (pool: TrackedPool, started: number): void => {
      this.waitTime.record((performance.now() - started) / 1000, pool[poolAttributes]);
    };
    const wrapped: GetConnection = function (this: TrackedPool, cb) {
      let started: number;
      try {
        if (!this[poolAttributes]) track(this);
        started = performance.now();
      } catch {
        return getConnection.call(this, cb);
      }
      return getConnection.call(this, (err, conn) => {
        try {
          recordWait(this, started);
        } catch {
          // never let metrics break the app's callback
        }
        cb(err, conn);
      });
    };
    Object.defineProperty(wrapped, original, { value: getConnection });
    proto.getConnection = wrapped;
  }
}
