import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { createDefaultConfig, type LeakConfig } from '../../../src/processors/leak/config.js';
import { leakFactory } from '../../../src/processors/leak/factory.js';
import { GrowthSeries } from '../../../src/processors/leak/internal/growth-series.js';
import { buildBatch, caseDirs, FakeClock, mergeConfig, runCase, testSettings } from '../step-harness.js';

const testdata = fileURLToPath(new URL('./testdata', import.meta.url));
const MIB = 1024 * 1024;

describe('leak golden steps', () => {
  for (const dir of caseDirs(testdata)) {
    it(dir.split('/').pop()!, async () => {
      await runCase(dir, leakFactory, (name) => name === 'iora_memory_growth_bytes_per_hour');
    });
  }
});

describe('growth series', () => {
  it('forgets samples that left the window', () => {
    const s = new GrowthSeries(60_000, 100);
    for (let t = 0; t <= 120_000; t += 10_000) s.add(t, t < 60_000 ? 0 : t, t);
    // Only (60 s, 120 s] is left: a line of slope 1 byte/ms, whatever came before.
    expect(s.count).toBe(6);
    expect(s.bytesPerHour()).toBeCloseTo(3_600_000);
  });

  it('stays within max_samples by thinning, keeping the span and the slope', () => {
    const s = new GrowthSeries(3_600_000, 50);
    for (let t = 0; t < 1000; t++) s.add(t * 1000, 5 * t * 1000, t * 1000);
    expect(s.count).toBeLessThanOrEqual(50);
    expect(s.spanMs).toBe(999_000);
    expect(s.bytesPerHour()).toBeCloseTo(5 * 3_600_000);
  });
});

describe('leak across a restart', () => {
  it('starts over when the process behind an instance id changes (a restart is not a memory drop)', async () => {
    const config = mergeConfig<LeakConfig>(createDefaultConfig(), { min_span: '10m', min_samples: 3 });
    const clock = new FakeClock(Date.parse('2026-01-05T10:00:00Z'));
    const outputs: MetricBatch[] = [];
    const p = leakFactory.create(testSettings('leak', clock), config, { consume: async (b) => void outputs.push(b) });
    // 2 MiB/min in pid 1 for 10 min, then pid 2 starts at 50 MiB and grows 2 MiB/min for 10 min.
    const rss = [[1, 100], [1, 110], [1, 120], [2, 50], [2, 60], [2, 70]] as const;
    for (const [pid, mib] of rss) {
      const resource = { 'service.name': 'shop', 'service.instance.id': 'a1', 'process.pid': pid };
      await p.consume(buildBatch([{ resource, metrics: [{ name: 'process.memory.usage', unit: 'By', points: [{ value: mib * MIB }] }] }], clock.ms));
      clock.ms += 5 * 60_000;
    }
    const growth = outputs.map((b) => b.findings?.[0]?.values?.current);
    // Without starting over, the 120 → 50 MiB drop would turn the slope negative; with it, pid 2 has its
    // own 2 MiB/min once it has three samples.
    expect(growth).toEqual([undefined, undefined, 120 * MIB, undefined, undefined, 120 * MIB]);
  });
});

describe('leak heap snapshots in the processor', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** Feeds 4 samples of RSS growing 2 MiB/min (the alarm fires on the 3rd and 4th) and returns the outputs. */
  async function feedGrowth(host: Partial<Host>, directory: string): Promise<MetricBatch[]> {
    const config = mergeConfig<LeakConfig>(createDefaultConfig(), {
      min_span: '10m',
      min_samples: 3,
      heap_snapshot: { enabled: true, directory, min_interval: '1h' },
    });
    const clock = new FakeClock(Date.parse('2026-01-05T10:00:00Z'));
    const outputs: MetricBatch[] = [];
    const p = leakFactory.create(testSettings('leak', clock, host), config, { consume: async (b) => void outputs.push(b) });
    await p.start();
    for (let i = 0; i < 4; i++) {
      const resource = { 'service.name': 'shop', 'process.pid': process.pid };
      await p.consume(buildBatch([{ resource, metrics: [{ name: 'process.memory.usage', unit: 'By', points: [{ value: (100 + 10 * i) * MIB }] }] }], clock.ms));
      clock.ms += 5 * 60_000;
    }
    await p.shutdown();
    return outputs;
  }

  it('inside the agent, writes one snapshot when growth is found and names it in the finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iora-t-validate-leak-'));
    dirs.push(dir);
    const outputs = await feedGrowth({ inProcess: { subscribe: () => () => undefined } }, join(dir, 'snaps'));
    const files = readdirSync(join(dir, 'snaps'));
    expect(files).toHaveLength(1);
    const [third, fourth] = [outputs[2]!.findings!, outputs[3]!.findings!];
    expect(third[0]!.message).toContain(`; heap snapshot ${join(dir, 'snaps', files[0]!)}`);
    // The next finding within min_interval writes nothing more and says nothing about snapshots.
    expect(fourth[0]!.message).not.toContain('heap snapshot');
  });

  it('in the collector (no in-process source), never writes a snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iora-t-validate-leak-'));
    dirs.push(dir);
    const outputs = await feedGrowth({}, join(dir, 'snaps'));
    expect(outputs[3]!.findings).toHaveLength(1);
    expect(existsSync(join(dir, 'snaps'))).toBe(false);
  });
});

describe('leak config', () => {
  it('accepts the defaults', () => {
    expect(leakFactory.validate(createDefaultConfig())).toEqual([]);
  });

  it('reports every problem at once with its path', () => {
    const config = mergeConfig<LeakConfig>(createDefaultConfig(), {
      window: '10m',
      min_span: '1h',
      min_samples: 2,
      max_samples: 1.5,
      budget_mb_per_hour: 0,
      heap_metrics: [''],
      heap_snapshot: { directory: ' ', min_interval: 'soon', max_total_size: '2 parsecs', max_heap_size: '0MiB' },
    });
    expect(leakFactory.validate(config)).toEqual([
      { path: 'min_span', message: 'must not exceed window' },
      { path: 'min_samples', message: 'must be an integer ≥ 3' },
      { path: 'max_samples', message: 'must be an integer ≥ 3' },
      { path: 'budget_mb_per_hour', message: 'must be a number > 0' },
      { path: 'heap_metrics', message: 'must be a list of metric names' },
      { path: 'heap_snapshot::directory', message: 'must be a directory path' },
      { path: 'heap_snapshot::min_interval', message: '"soon" is not a duration (use ms, s, m, h, d, w: 30s, 5m, 1h, 7d)' },
      { path: 'heap_snapshot::max_total_size', message: 'must be a size such as 512MiB, 2GiB or 100MB' },
      { path: 'heap_snapshot::max_heap_size', message: 'must be greater than zero' },
    ]);
  });
});
