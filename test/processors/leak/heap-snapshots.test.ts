// The snapshot path for real: v8.writeHeapSnapshot of this test process into a temporary directory.
// Only the refusals that must not depend on this machine's memory (heap size, free memory) use a
// replaced environment; the write, the rate limit and the disk cap use the real V8 and file system.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeapSnapshots, processEnvironment, type SnapshotPolicy } from '../../../src/processors/leak/internal/heap-snapshots.js';
import { FakeClock } from '../step-harness.js';

const MIB = 1024 * 1024;
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iora-t-validate-leak-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function policy(directory: string, over: Partial<SnapshotPolicy> = {}): SnapshotPolicy {
  return { directory, minIntervalMs: 3_600_000, maxTotalBytes: 4096 * MIB, maxHeapBytes: 4096 * MIB, ...over };
}

describe('heap snapshots', () => {
  it('writes a real snapshot, then refuses another within min_interval', () => {
    const dir = tempDir();
    const clock = new FakeClock(Date.parse('2026-01-05T10:00:00Z'));
    const snapshots = new HeapSnapshots(policy(dir), clock);
    const first = snapshots.write('shop');
    expect(first).toHaveProperty('written');
    if (!('written' in first)) return;
    expect(first.written.startsWith(join(dir, 'iora-shop-'))).toBe(true);
    expect(first.bytes).toBe(statSync(first.written).size);
    // A DevTools-loadable snapshot is JSON that starts with its meta section.
    expect(readFileSync(first.written, 'utf8').slice(0, 200)).toMatch(/^\{"snapshot":\{"meta":/);

    clock.ms += 30 * 60_000;
    expect(snapshots.write('shop')).toEqual({ skipped: 'rate-limited: the last snapshot was 1800 s ago (min_interval 3600 s)' });
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('keeps the directory under max_total_size by deleting the oldest snapshots, leaving other files alone', () => {
    const dir = tempDir();
    const clock = new FakeClock(Date.parse('2026-01-05T10:00:00Z'));
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    const first = new HeapSnapshots(policy(dir), clock).write('shop');
    if (!('written' in first)) throw new Error(`no first snapshot: ${first.skipped}`);
    // Room for one snapshot of this heap, not two: writing the second deletes the first.
    clock.ms += 1000;
    const second = new HeapSnapshots(policy(dir, { maxTotalBytes: Math.round(first.bytes * 1.5) }), clock).write('shop');
    if (!('written' in second)) throw new Error(`no second snapshot: ${second.skipped}`);
    expect(readdirSync(dir).sort()).toEqual([second.written.split('/').pop(), 'notes.txt'].sort());
  });

  it('refuses a heap larger than max_heap_size, a cap smaller than the heap, and too little free memory', () => {
    const dir = tempDir();
    const clock = new FakeClock(0);
    const env = { usedHeapBytes: () => 600 * MIB, freeMemoryBytes: () => 8192 * MIB, write: () => { throw new Error('must not write'); } };
    expect(new HeapSnapshots(policy(dir, { maxHeapBytes: 512 * MIB }), clock, env).write('x')).toEqual({
      skipped: 'heap of 600.0 MB is above max_heap_size 512.0 MB: the snapshot would stall the app too long and could exhaust its memory',
    });
    expect(new HeapSnapshots(policy(dir, { maxTotalBytes: 100 * MIB }), clock, env).write('x')).toEqual({
      skipped: 'a snapshot of a 600.0 MB heap would not fit in max_total_size 100.0 MB',
    });
    const tight = { ...env, freeMemoryBytes: () => 1000 * MIB };
    expect(new HeapSnapshots(policy(dir), clock, tight).write('x')).toEqual({
      skipped: 'only 1000.0 MB of free memory for a 600.0 MB heap: a snapshot needs about twice the heap',
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a failing write instead of throwing', () => {
    const dir = tempDir();
    const env = { ...processEnvironment, write: () => { throw new Error('ENOSPC: no space left on device'); } };
    expect(new HeapSnapshots(policy(dir), new FakeClock(0), env).write('x')).toEqual({ skipped: 'writing failed: ENOSPC: no space left on device' });
  });
});
