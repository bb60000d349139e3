// pg pool metrics: the wait for a connection (`db.client.connection.wait_time`, from pool.connect's call to
// its callback or promise, covering pool.query too) and usage (`db.client.connection.count` idle/used, `.max`,
// `.pending_requests`), read from each live pg-pool when metrics are collected. instrumentation-pg keeps usage
// as synchronous up/down counters updated on every acquire and release — six attribute-hashed records per
// query, most adding 0 — and records its own duration histogram that iora replaces (span-metrics.ts);
// `withoutOwnMetrics` turns both off. The wait is timed here rather than from instrumentation-pg's
// `pg-pool.connect` span (turned off with ignoreConnectSpans): one span per query less. The instruments
// (pool-instruments.ts) have instrumentation-pg's names and attributes, so dashboards read them unchanged.

import { createNoopMeter, type Attributes, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type Instrumentation } from '@opentelemetry/instrumentation';
import { createPoolInstruments, type PoolState } from './pool-instruments.js';

interface PgPool {
  ending?: boolean;
  options?: { host?: unknown; port?: unknown; database?: unknown; max?: unknown };
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  connect(...args: unknown[]): unknown;
}
type Connect = PgPool['connect'];
const original = Symbol.for('iora.pg-pool.connect');
const poolAttributes = Symbol('iora.pg-pool.attributes');
type TrackedPool = PgPool & { [poolAttributes]?: Attributes };

/** instrumentation-pg's pool name (host:port/database, `unknown_*` for what the options leave out). */
function poolName(options: PgPool['options']): string {
  const part = (v: unknown, missing: string): string => (v ? String(v) : missing);
  return `${part(options?.host, 'unknown_host')}:${part(options?.port, 'unknown_port')}/${part(options?.database, 'unknown_database')}`.trim();
}

export class PgPoolMetricsInstrumentation extends InstrumentationBase {
  private declare waitTime: Histogram;
  private readonly pools = new Set<TrackedPool>();

  constructor() {
    super('iora-pg-pool', '0.1.0', {});
  }

  protected override _updateMetricInstruments(): void {
    this.waitTime = createPoolInstruments(this.meter, (each) => this.eachPool(each));
  }

  private eachPool(each: (state: PoolState, attrs: Attributes) => void): void {
    for (const pool of this.pools) {
      if (pool.ending) this.pools.delete(pool);
      else if (pool[poolAttributes]) {
        const idle = pool.idleCount;
        each({ idle, used: pool.totalCount - idle, max: Number(pool.options?.max ?? 10), pending: pool.waitingCount }, pool[poolAttributes]);
      }
    }
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'pg-pool',
        ['>=2.0.0 <4'],
        (Pool: { prototype: PgPool }) => {
          if (!(original in Pool.prototype.connect)) this.patch(Pool.prototype);
          return Pool;
        },
        (Pool: { prototype: PgPool }) => {
          const unwrapped = (Pool.prototype.connect as unknown as Record<symbol, Connect>)[original];
          if (unwrapped) Pool.prototype.connect = unwrapped;
        },
      ),
    ];
  }

  /** A pool is tracked on its first connect (pool.query connects too); every connect is timed. */
  private patch(proto: PgPool): void {
    const connect = proto.connect;
    const track = (pool: TrackedPool): Attributes => {
      const attrs = { 'db.client.connection.pool.name': poolName(pool.options) };
      pool[poolAttributes] = attrs;
      this.pools.add(pool);
      return attrs;
    };
    const recordWait = (attrs: Attributes, started: number): void => {
      try {
        this.waitTime.record((performance.now() - started) / 1000, attrs);
      } catch {
        // never let metrics break the app's queries
      }
    };
    const wrapped: Connect = function (this: TrackedPool, ...args) {
      let attrs: Attributes;
      try {
        attrs = this[poolAttributes] ?? track(this);
      } catch {
        return connect.apply(this, args);
      }
      const started = performance.now();
      const [callback] = args;
      if (typeof callback === 'function') {
        return connect.call(this, (...result: unknown[]) => {
          recordWait(attrs, started);
          return (callback as (...a: unknown[]) => unknown)(...result);
        });
      }
      const promise = connect.apply(this, args);
      // Observed on a branch of its own that never rejects; the app gets the pool's promise unchanged.
      if (promise instanceof Promise) promise.then(() => recordWait(attrs, started), () => recordWait(attrs, started));
      return promise;
    };
    Object.defineProperty(wrapped, original, { value: connect });
    proto.connect = wrapped;
  }
}

const noMetrics: MeterProvider = { getMeter: () => createNoopMeter() };

/** Keeps an instrumentation's spans and drops its own metrics, whatever meter provider it is later given. */
export function withoutOwnMetrics<T extends Instrumentation>(instrumentation: T): T {
  instrumentation.setMeterProvider(noMetrics);
  instrumentation.setMeterProvider = () => {};
  return instrumentation;
}
