// pg pool usage read at collection and the wait for a connection, from real pg-pool pools on the local
// PostgreSQL (promise and callback connects), and `withoutOwnMetrics`
// (instrumentation-pg's own per-query records off, whatever meter provider it is later given).

import { createRequire } from 'node:module';
import type { Counter } from '@opentelemetry/api';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgPoolMetricsInstrumentation, withoutOwnMetrics } from '../../../instrumentation/db/pg-pool.js';

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

type Point = DataPoint<number | { count: number }>;
type Points = Map<string, Point[]>;
async function collect(reader: MetricReader): Promise<Points> {
  const { resourceMetrics } = await reader.collect();
  const out: Points = new Map();
  for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m.dataPoints as Point[]);
  return out;
}
const point = (points: Points, metric: string, attrs: Record<string, string>) =>
  points.get(metric)?.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value;
const value = (points: Points, metric: string, attrs: Record<string, string>): number | undefined => point(points, metric, attrs) as number | undefined;
/** Connections handed out, as the wait-time histogram counted them. */
const waits = (points: Points, attrs: Record<string, string>): number | undefined =>
  (point(points, 'db.client.connection.wait_time', attrs) as { count: number } | undefined)?.count;

interface PoolClient {
  release(): void;
}
interface Pool {
  connect(): Promise<PoolClient>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
}
type PoolClass = new (options: object) => Pool;

describe('pg pool usage read at collection', () => {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const instrumentation = new PgPoolMetricsInstrumentation();
  const Pool = createRequire(import.meta.url)('pg').Pool as PoolClass & { prototype: object };
  const [definition] = instrumentation.getModuleDefinitions();

  beforeAll(() => {
    instrumentation.setMeterProvider(provider);
    definition?.patch?.(Pool, '3.0.0'); // as require-in-the-middle would on `require('pg-pool')`
  });

  afterAll(async () => {
    definition?.unpatch?.(Pool, '3.0.0');
    await provider.shutdown();
  });

  it('reports used, idle, pending and max per pool, named as instrumentation-pg names it', async () => {
    const pool = new Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 3 });
    const name = { 'db.client.connection.pool.name': '127.0.0.1:5432/test' };
    try {
      const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      const waiting = pool.connect(); // a fourth caller waits for a connection
      let points = await collect(reader);
      expect(value(points, 'db.client.connection.count', { ...name, 'db.client.connection.state': 'used' })).toBe(3);
      expect(value(points, 'db.client.connection.count', { ...name, 'db.client.connection.state': 'idle' })).toBe(0);
      expect(value(points, 'db.client.connection.pending_requests', name)).toBe(1);
      expect(value(points, 'db.client.connection.max', name)).toBe(3);

      for (const client of held) client.release();
      (await waiting).release();
      points = await collect(reader);
      expect(value(points, 'db.client.connection.count', { ...name, 'db.client.connection.state': 'used' })).toBe(0);
      expect(value(points, 'db.client.connection.count', { ...name, 'db.client.connection.state': 'idle' })).toBe(3);
      expect(value(points, 'db.client.connection.pending_requests', name)).toBe(0);
      expect(waits(points, name)).toBe(4); // the waiting caller's wait ended when it got its connection
    } finally {
      await pool.end();
    }
  });

  it('times callback connects and names what the options leave out unknown_*, as instrumentation-pg does', async () => {
    const pool = new Pool({ host: '127.0.0.1', user: 'postgres', database: 'test', max: 2 });
    try {
      await pool.query('SELECT 1'); // pool.query connects with a callback
      await pool.query('SELECT 2');
      const points = await collect(reader);
      const name = { 'db.client.connection.pool.name': '127.0.0.1:unknown_port/test' };
      expect(value(points, 'db.client.connection.max', name)).toBe(2);
      expect(waits(points, name)).toBe(2);
    } finally {
      await pool.end();
    }
  });
});

describe('withoutOwnMetrics', () => {
  class Counting extends InstrumentationBase {
    declare counter: Counter;
    constructor() {
      super('counting', '1.0.0', { enabled: false });
    }
    protected override _updateMetricInstruments(): void {
      this.counter = this.meter.createCounter('counting.calls');
    }
    protected init(): [] {
      return [];
    }
  }

  it('records nothing, even after a real meter provider is set', async () => {
    const reader = new PullReader();
    const provider = new MeterProvider({ readers: [reader] });
    const plain = new Counting();
    const silenced = withoutOwnMetrics(new Counting());
    for (const i of [plain, silenced]) i.setMeterProvider(provider);
    plain.counter.add(1);
    silenced.counter.add(5);
    const points = await collect(reader);
    expect(points.get('counting.calls')?.map((p) => p.value)).toEqual([1]);
    await provider.shutdown();
  });
});
