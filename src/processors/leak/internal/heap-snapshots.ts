// Heap snapshots for a person to open in Chrome DevTools when memory keeps growing: written with
// v8.writeHeapSnapshot into a configured directory, at most one per `min_interval`, the directory's
// iora snapshots kept under `max_total_size` (oldest deleted first), and never of a heap too large to
// snapshot safely:
// - writing a snapshot is synchronous: the app serves nothing until the whole heap is serialized
//   (seconds per few hundred MB), so a large heap means a long outage;
// - V8 builds the snapshot's graph in memory beside the heap, roughly as large again as the heap, so a
//   big heap, or too little free memory, risks an out-of-memory crash of the very process being
//   diagnosed. Hence `max_heap_size` (default 512 MiB, twice the spec's 256 MB RSS budget: a process
//   beyond it is already far off budget and a snapshot would stall it for many seconds) and a check
//   that free memory is at least twice the used heap.

import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { Clock } from '../../../pipeline/component.js';

export interface SnapshotPolicy {
  directory: string;
  minIntervalMs: number;
  maxTotalBytes: number;
  maxHeapBytes: number;
}

/** What the writer reads of the process; real V8 and OS by default, replaceable to test the refusals. */
export interface SnapshotEnvironment {
  usedHeapBytes(): number;
  freeMemoryBytes(): number;
  write(path: string): string;
}

export const processEnvironment: SnapshotEnvironment = {
  usedHeapBytes: () => v8.getHeapStatistics().used_heap_size,
  freeMemoryBytes: () => freemem(),
  write: (path) => v8.writeHeapSnapshot(path),
};

export type SnapshotOutcome = { written: string; bytes: number } | { skipped: string };

const PREFIX = 'iora-';
const SUFFIX = '.heapsnapshot';
const MIB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MB`;

interface SnapshotFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export class HeapSnapshots {
  private lastWrittenMs: number | undefined;

  constructor(
    private readonly policy: SnapshotPolicy,
    private readonly clock: Clock,
    private readonly env: SnapshotEnvironment = processEnvironment,
  ) {}

  /** Writes a snapshot if policy allows; says why not otherwise. Never throws. */
  write(label: string): SnapshotOutcome {
    try {
      return this.tryWrite(label);
    } catch (err) {
      return { skipped: `writing failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private tryWrite(label: string): SnapshotOutcome {
    const now = this.clock.now();
    if (this.lastWrittenMs !== undefined && now - this.lastWrittenMs < this.policy.minIntervalMs) {
      return { skipped: `rate-limited: the last snapshot was ${Math.round((now - this.lastWrittenMs) / 1000)} s ago (min_interval ${this.policy.minIntervalMs / 1000} s)` };
    }
    const heap = this.env.usedHeapBytes();
    if (heap > this.policy.maxHeapBytes) {
      return { skipped: `heap of ${mb(heap)} is above max_heap_size ${mb(this.policy.maxHeapBytes)}: the snapshot would stall the app too long and could exhaust its memory` };
    }
    const free = this.env.freeMemoryBytes();
    if (free < 2 * heap) return { skipped: `only ${mb(free)} of free memory for a ${mb(heap)} heap: a snapshot needs about twice the heap` };
    mkdirSync(this.policy.directory, { recursive: true });
    const existing = this.existingSnapshots();
    const used = existing.reduce((a, f) => a + f.bytes, 0);
    // A snapshot file is at least about the size of the used heap; refuse before writing what cannot fit.
    if (heap > this.policy.maxTotalBytes) {
      return { skipped: `a snapshot of a ${mb(heap)} heap would not fit in max_total_size ${mb(this.policy.maxTotalBytes)}` };
    }
    const safeLabel = label.replace(/[^a-zA-Z0-9_.-]/g, '_');
    const file = join(this.policy.directory, `${PREFIX}${safeLabel}-${process.pid}-${new Date(now).toISOString().replace(/[:.]/g, '-')}${SUFFIX}`);
    this.lastWrittenMs = now;
    const path = this.env.write(file);
    const bytes = statSync(path).size;
    this.enforceCap(existing, used, path, bytes);
    return { written: path, bytes };
  }

  /** Deletes the oldest earlier snapshots until everything fits; the new one too if it alone does not. */
  private enforceCap(existing: SnapshotFile[], used: number, newPath: string, newBytes: number): void {
    let total = used + newBytes;
    for (const f of existing.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= this.policy.maxTotalBytes) return;
      unlinkSync(f.path);
      total -= f.bytes;
    }
    if (total > this.policy.maxTotalBytes) {
      unlinkSync(newPath);
      throw new Error(`the snapshot (${mb(newBytes)}) alone exceeds max_total_size ${mb(this.policy.maxTotalBytes)}; deleted`);
    }
  }

  private existingSnapshots(): SnapshotFile[] {
    return readdirSync(this.policy.directory)
      .filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX))
      .map((name) => {
        const path = join(this.policy.directory, name);
        const s = statSync(path);
        return { path, bytes: s.size, mtimeMs: s.mtimeMs };
      });
  }
}
