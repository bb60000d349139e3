import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStoreReadOnly, StateStore } from '../../src/store/state-store.js';

function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'baseline-store-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('StateStore', () => {
  it('keeps series and buckets across reopen, per namespace, in WAL mode', () => {
    const path = join(tempDir(), 'nested', 'state.db');
    const { logger, lines } = capturingLogger();
    const store = StateStore.open(path, logger);
    expect(store.persistent).toBe(true);
    store.putSeries('baseline', [{ seriesKey: 'a', meta: '{"m":1}' }]);
    store.putBuckets('baseline', [
      { seriesKey: 'a', startMs: 1000, data: Uint8Array.of(1, 2, 3) },
      { seriesKey: 'a', startMs: 2000, data: Uint8Array.of(4) },
    ]);
    store.putBuckets('baseline', [{ seriesKey: 'a', startMs: 2000, data: Uint8Array.of(5, 6) }]); // replaces
    store.putSeries('other', [{ seriesKey: 'b', meta: '{}' }]);
    store.close();
    store.close(); // twice is safe

    const again = StateStore.open(path, logger);
    expect(again.listSeries('baseline')).toEqual([{ seriesKey: 'a', meta: '{"m":1}' }]);
    expect([...again.listBuckets('baseline', 0)].map((r) => [r.startMs, [...r.data]])).toEqual([[1000, [1, 2, 3]], [2000, [5, 6]]]);
    expect([...(again.getBucket('baseline', 'a', 1000) ?? [])]).toEqual([1, 2, 3]);
    expect(again.deleteBucketsBefore('baseline', 1500)).toBe(1);
    expect([...again.listBuckets('baseline', 0)]).toHaveLength(1);
    again.deleteSeries('baseline', 'a');
    expect(again.listSeries('baseline')).toEqual([]);
    expect(again.listSeries('other')).toHaveLength(1);
    again.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(lines).toEqual([]);
  });

  it('moves a corrupt file aside with one log line and starts empty', () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    writeFileSync(path, 'this is not a database, just text that happens to be long enough '.repeat(100));
    const { logger, lines } = capturingLogger();
    const store = StateStore.open(path, logger);
    expect(store.persistent).toBe(true);
    expect(store.listSeries('baseline')).toEqual([]);
    store.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toMatch(/state store .*state\.db is unreadable .* moved it aside to .*corrupt-.*learning restarts/);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
  });

  it('moves aside a store written by another schema version', () => {
    const path = join(tempDir(), 'state.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const { logger, lines } = capturingLogger();
    StateStore.open(path, logger).close();
    expect(lines).toHaveLength(1);
    expect(String(lines[0]!.msg)).toContain('schema version 99');
  });

  it('falls back to memory with one log line when the path cannot hold a database', () => {
    const dir = tempDir();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const { logger, lines } = capturingLogger();
    const store = StateStore.open(join(blocker, 'state.db'), logger); // a directory under a regular file
    expect(store.persistent).toBe(false);
    store.putSeries('baseline', [{ seriesKey: 'a', meta: '{}' }]);
    expect(store.listSeries('baseline')).toHaveLength(1);
    store.close();
    expect(lines).toHaveLength(1);
    expect(String(lines[0]!.msg)).toContain('keeping state in memory only');
  });

  it('opens read-only for inspection and rejects non-stores', () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const { logger } = capturingLogger();
    const store = StateStore.open(path, logger);
    store.putSeries('baseline', [{ seriesKey: 'a', meta: '{}' }]);
    const ro = openStoreReadOnly(path);
    expect(ro.listSeries()).toEqual([{ namespace: 'baseline', seriesKey: 'a', meta: '{}' }]);
    ro.close();
    store.close();
    const other = join(dir, 'other.db');
    new Database(other).close();
    expect(() => openStoreReadOnly(other)).toThrow(/not an iora state store/);
  });
});
