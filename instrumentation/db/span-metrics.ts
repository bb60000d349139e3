// Turns database client spans into metrics (the OpenTelemetry Collector's spanmetrics idea, inside the app):
// the mysql2, ioredis and redis instrumentations only record spans, and pg's own duration histogram has no
// query class. Every DB span becomes one `db.client.operation.duration` record with `iora.db.query_class`,
// multi-row INSERTs add to `iora.db.rows_inserted` (pg pool wait is timed in pg-pool.ts, without a span).
// Spans are only exported when the user asked for traces (another processor does that).

import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { analyzeStatement, redisQueryClass, type QueryClass } from './statement.js';

/** Connection set-up spans (`pg.connect`, `redis-connect`, ioredis `connect`) are not operations. */
const CONNECT_SPAN = /(^|[.-])connect$/;
/** Bounds the attribute cache: statements name tables, and a runaway app must not grow it forever. */
const MAX_CACHED_ATTRIBUTE_SETS = 2000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function durationSeconds(span: ReadableSpan): number {
  return span.duration[0] + span.duration[1] / 1e9;
}

interface Classified {
  system: string;
  operation: string;
  collection: string | undefined;
  queryClass: QueryClass;
  rowsInserted: number;
}

/** Reads both the stable and the older database semantic-convention attribute names. */
function classify(span: ReadableSpan): Classified | undefined {
  const a = span.attributes;
  const system = str(a['db.system.name']) ?? str(a['db.system']);
  if (!system) return undefined;
  const statement = str(a['db.query.text']) ?? str(a['db.statement']);
  if (system === 'redis') {
    const command = str(a['db.operation.name']) ?? str(a['db.operation']) ?? statement?.split(' ', 1)[0] ?? '';
    return { system, operation: command.toUpperCase(), collection: undefined, queryClass: redisQueryClass(command), rowsInserted: 0 };
  }
  if (!statement) {
    const operation = str(a['db.operation.name']) ?? str(a['db.operation']) ?? 'unknown';
    return { system, operation, collection: undefined, queryClass: 'other', rowsInserted: 0 };
  }
  const info = analyzeStatement(statement);
  return { system, ...info, operation: info.operation || 'unknown' };
}

export class DbSpanMetricsProcessor implements SpanProcessor {
  private readonly duration: Histogram;
  private readonly rowsInserted: Counter;
  /** One attribute object per distinct label set, so recording never rebuilds them. */
  private readonly attributeCache = new Map<string, Attributes>();

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('db.client.operation.duration', {
      description: 'Duration of database client operations, classified by iora.db.query_class',
      unit: 's',
    });
    this.rowsInserted = meter.createCounter('iora.db.rows_inserted', {
      description: 'Rows written by multi-row INSERT statements',
      unit: '{row}',
    });
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    try {
      if (span.kind !== SpanKind.CLIENT || CONNECT_SPAN.test(span.name)) return;
      const c = classify(span);
      if (!c) return;
      const failed = span.status.code === 2;
      const key = `${c.system}\0${c.operation}\0${c.collection ?? ''}\0${c.queryClass}\0${failed ? 1 : 0}`;
      this.duration.record(durationSeconds(span), this.cached(key, () => durationAttributes(c, failed)));
      if (c.rowsInserted > 0 && !failed) {
        const rowsKey = `rows\0${c.system}\0${c.collection ?? ''}`;
        this.rowsInserted.add(c.rowsInserted, this.cached(rowsKey, () => rowsAttributes(c)));
      }
    } catch {
      // A span we cannot read is skipped; metrics must never break the app's database calls.
    }
  }

  private cached(key: string, build: () => Attributes): Attributes {
    let attrs = this.attributeCache.get(key);
    if (!attrs) {
      attrs = build();
      if (this.attributeCache.size < MAX_CACHED_ATTRIBUTE_SETS) this.attributeCache.set(key, attrs);
    }
    return attrs;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function durationAttributes(c: Classified, failed: boolean): Attributes {
  const attrs: Attributes = {
    'db.system.name': c.system,
    'db.operation.name': c.operation,
    'iora.db.query_class': c.queryClass,
  };
  if (c.collection) attrs['db.collection.name'] = c.collection;
  if (failed) attrs['error.type'] = 'error';
  return attrs;
}

function rowsAttributes(c: Classified): Attributes {
  const attrs: Attributes = { 'db.system.name': c.system };
  if (c.collection) attrs['db.collection.name'] = c.collection;
  return attrs;
}
