// The collector's own heap policy. V8 sizes its heap for throughput: under a steady stream of batches
// the old generation grows to up to 4× what is live before a full collection, and the young generation
// to 2 × 16 MB. With 10,000 baselined series that is 2–3× the live state in RSS. The collector is a
// process of its own, so it trades a little CPU (more, smaller collections) for an RSS that follows its
// state: old space grows by at most 20% of what is live, and the young generation keeps its initial
// size. The embedded agent never calls this: the application's GC settings are the application's.

import { setFlagsFromString } from 'node:v8';

/** V8 flags of the policy; a flag the operator already set (NODE_OPTIONS, node's own flags) is kept. */
export const COLLECTOR_HEAP_FLAGS: Readonly<Record<string, string>> = {
  'heap-growing-percent': '20',
  'semi-space-growth-factor': '1',
};

/** Applies the policy to this process; returns the flags it set (for the log). */
export function applyCollectorHeapPolicy(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((f) => f.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-'));
  const applied: string[] = [];
  for (const [flag, value] of Object.entries(COLLECTOR_HEAP_FLAGS)) {
    if (given.includes(flag)) continue;
    // Both are read each time V8 resizes a space, so they take effect in a running process.
    setFlagsFromString(`--${flag}=${value}`);
    applied.push(`--${flag}=${value}`);
  }
  return applied;
}
