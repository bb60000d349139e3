// pg pool metrics: the wait for a connection (`db.client.connection.wait_time`, from pool.connect's call to
// its callback or promise, covering pool.query too) and usage (`db.client.connection.count` idle/used, `.max`,
// `.pending_requests`), read from each live pg-pool when metrics are collected. instrumentation-pg keeps usage
// as synchronous up/down counters updated on every acquire and release — six attribute-hashed records per
// query, most adding 0 — and records its own duration histogram that iora replaces (span-metrics.ts);
// `withoutOwnMetrics` turns both off. The wait is timed here rather than from instrumentation-pg's
// `pg-pool.connect` span (turned off with ignoreConnectSpans): one span per query less. Same names and
// attributes as instrumentation-pg's, so dashboards and the validate processor read them unchanged.

import { createNoopMeter, type Attributes, type Histogram, type Meter, type MeterProvider } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type Instrumentation } from '@opentelemetry/instrumentation';

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
    const meter: Meter = this.meter;
    this.waitTime = meter.createHistogram('db.client.connection.wait_time', {
      description: 'Time it took to obtain an open connection from the pool',
      unit: 's',
    });
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
      this.eachPool((pool, a) => {
        const idle = pool.idleCount;
        r.observe(pool.totalCount - idle, { ...a, 'db.client.connection.state': 'used' });
        r.observe(idle, { ...a, 'db.client.connection.state': 'idle' });
      }),
    );
    max.addCallback((r) => this.eachPool((pool, a) => r.observe(Number(pool.options?.max ?? 10), a)));
    pending.addCallback((r) => this.eachPool((pool, a) => r.observe(pool.waitingCount, a)));
  }

  private eachPool(each: (pool: TrackedPool, attrs: Attributes) => void): void {
    for (const pool of this.pools) {
      if (pool.ending) this.pools.delete(pool);
      else if (pool[poolAttributes]) each(pool, pool[poolAttributes]);
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
