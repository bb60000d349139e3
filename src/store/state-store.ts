// Durable state for stateful processors: SQLite (better-sqlite3) in WAL mode. Two tables, shared by
// components under a namespace (their component id): `series` (one row of metadata per series) and
// `buckets` (time-bucketed binary state per series, e.g. a baseline's hourly sketches).
//
// Crash safety: every write is a committed transaction in WAL mode with synchronous=NORMAL, so a
// kill -9 loses nothing already written (a power loss may lose the last transactions, never corrupt).
// A file that cannot be opened as a current iora store (corrupt, not SQLite, a newer schema) is moved
// aside with one log line and learning restarts from empty; if even that fails the store runs in memory.

import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';

/** Bumped when the tables change; a file with another version is moved aside, not migrated in place. */
export const SCHEMA_VERSION = 1;

const MEMORY = ':memory:';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  namespace TEXT NOT NULL,
  series_key TEXT NOT NULL,
  meta TEXT NOT NULL,
  PRIMARY KEY (namespace, series_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS buckets (
  namespace TEXT NOT NULL,
  series_key TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (namespace, series_key, start_ms)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS buckets_by_time ON buckets (namespace, start_ms);
`;

export interface BucketRow {
  seriesKey: string;
  startMs: number;
  data: Uint8Array;
}

export interface SeriesRow {
  seriesKey: string;
  meta: string;
}

function openDatabase(path: string): Database.Database {
  if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Each bucket's rows are written once and read once when it expires: a page cache (better-sqlite3
    // builds with 16 MB) would only hold them in RSS. 2 MB keeps the index pages the lookups need.
    db.pragma('cache_size = -2000');
    // Checks every page's structure: a truncated or scribbled file fails here, not in the middle of learning.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) throw new Error(`schema version ${version}, expected ${SCHEMA_VERSION}`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Renames the file (and its -wal/-shm companions) to `<path>.corrupt-<time>`; returns the new name. */
function moveAside(path: string, nowMs: number): string {
  const aside = `${path}.corrupt-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  if (existsSync(path)) renameSync(path, aside);
  return aside;
}

export class StateStore {
  private readonly statements;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    /** Where the state lives: the file path, or ':memory:'. */
    readonly location: string,
  ) {
    this.statements = {
      putSeries: db.prepare('INSERT INTO series (namespace, series_key, meta) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET meta = excluded.meta'),
      listSeries: db.prepare('SELECT series_key AS seriesKey, meta FROM series WHERE namespace = ?'),
      deleteSeries: db.prepare('DELETE FROM series WHERE namespace = ? AND series_key = ?'),
      deleteSeriesBuckets: db.prepare('DELETE FROM buckets WHERE namespace = ? AND series_key = ?'),
      putBucket: db.prepare('INSERT INTO buckets (namespace, series_key, start_ms, data) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET data = excluded.data'),
      getBucket: db.prepare('SELECT data FROM buckets WHERE namespace = ? AND series_key = ? AND start_ms = ?').pluck(),
      listBuckets: db.prepare('SELECT series_key AS seriesKey, start_ms AS startMs, data FROM buckets WHERE namespace = ? AND start_ms >= ? ORDER BY series_key, start_ms'),
      deleteBucketsBefore: db.prepare('DELETE FROM buckets WHERE namespace = ? AND start_ms < ?'),
    };
  }

  /**
   * Opens (creating if needed) the store at `path`; '' or ':memory:' keeps it in memory. Never throws:
   * a bad file is moved aside (logged once) and a fresh one created; if that fails too, memory is used.
   */
  static open(path: string, logger: Logger, nowMs = Date.now()): StateStore {
    if (path === '' || path === MEMORY) return StateStore.memory();
    try {
      return new StateStore(openDatabase(path), path);
    } catch (first) {
      // No file to blame (the directory cannot be created or written): nothing to move aside.
      if (!existsSync(path)) return memoryFallback(path, logger, first);
      try {
        const aside = moveAside(path, nowMs);
        logger.error({ path, movedTo: aside, err: first }, 'state store %s is unreadable (%s); moved it aside to %s, learning restarts', path, errorMessage(first), aside);
        return new StateStore(openDatabase(path), path);
      } catch (second) {
        return memoryFallback(path, logger, second);
      }
    }
  }

  /** In-memory store (used when the file cannot be used). */
  static memory(): StateStore {
    return new StateStore(openDatabase(MEMORY), MEMORY);
  }

  get persistent(): boolean {
    return this.location !== MEMORY;
  }

  putSeries(namespace: string, rows: readonly SeriesRow[]): void {
    this.transaction(() => {
      for (const r of rows) this.statements.putSeries.run(namespace, r.seriesKey, r.meta);
    });
  }

  listSeries(namespace: string): SeriesRow[] {
    return this.statements.listSeries.all(namespace) as SeriesRow[];
  }

  /** Forgets a series and all its buckets. */
  deleteSeries(namespace: string, seriesKey: string): void {
    this.transaction(() => {
      this.statements.deleteSeries.run(namespace, seriesKey);
      this.statements.deleteSeriesBuckets.run(namespace, seriesKey);
    });
  }

  /** Inserts or replaces buckets, all in one transaction (all or nothing after a crash). */
  putBuckets(namespace: string, rows: readonly BucketRow[]): void {
    if (rows.length === 0) return;
    this.transaction(() => {
      for (const r of rows) this.statements.putBucket.run(namespace, r.seriesKey, r.startMs, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
    });
  }

  getBucket(namespace: string, seriesKey: string, startMs: number): Uint8Array | undefined {
    return this.statements.getBucket.get(namespace, seriesKey, startMs) as Buffer | undefined;
  }

  /** Buckets starting at or after `sinceMs`, ordered by series then time; iterated lazily. */
  *listBuckets(namespace: string, sinceMs: number): IterableIterator<BucketRow> {
    yield* this.statements.listBuckets.iterate(namespace, sinceMs) as IterableIterator<BucketRow>;
  }

  /** Deletes buckets that started before `ms`; returns how many. */
  deleteBucketsBefore(namespace: string, ms: number): number {
    return this.statements.deleteBucketsBefore.run(namespace, ms).changes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }
}

function memoryFallback(path: string, logger: Logger, err: unknown): StateStore {
  logger.error({ path, err }, 'state store %s cannot be used (%s); keeping state in memory only', path, errorMessage(err));
  return StateStore.memory();
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Opens a store read-only for inspection (the `iora baselines` command); throws if it cannot. */
export function openStoreReadOnly(path: string): { listSeries(ns?: string): (SeriesRow & { namespace: string })[]; listBuckets(ns: string, sinceMs: number): IterableIterator<BucketRow>; close(): void } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`${path}: not an iora state store of schema version ${SCHEMA_VERSION} (found ${version})`);
  }
  const series = db.prepare('SELECT namespace, series_key AS seriesKey, meta FROM series ORDER BY namespace, series_key');
  const buckets = db.prepare('SELECT series_key AS seriesKey, start_ms AS startMs, data FROM buckets WHERE namespace = ? AND start_ms >= ? ORDER BY series_key, start_ms');
  return {
    listSeries: (ns) => (series.all() as (SeriesRow & { namespace: string })[]).filter((r) => ns === undefined || r.namespace === ns),
    listBuckets: (ns, sinceMs) => buckets.iterate(ns, sinceMs) as IterableIterator<BucketRow>,
    close: () => db.close(),
  };
}
