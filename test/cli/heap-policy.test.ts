import { describe, expect, it } from 'vitest';
import { applyCollectorHeapPolicy, COLLECTOR_HEAP_FLAGS } from '../../src/cli/heap-policy.js';

describe('collector heap policy', () => {
  it('sets its V8 flags when the operator has not', () => {
    expect(applyCollectorHeapPolicy([], '')).toEqual(Object.entries(COLLECTOR_HEAP_FLAGS).map(([f, v]) => `--${f}=${v}`));
  });

  it('keeps a flag the operator gave, in node flags or NODE_OPTIONS, either spelling', () => {
    expect(applyCollectorHeapPolicy(['--heap_growing_percent=80'], '')).toEqual(['--semi-space-growth-factor=1']);
    expect(applyCollectorHeapPolicy([], '--max-old-space-size=512 --semi-space-growth-factor=2')).toEqual(['--heap-growing-percent=20']);
    expect(applyCollectorHeapPolicy(['--heap-growing-percent=80'], '--semi-space-growth-factor=2')).toEqual([]);
  });
});
