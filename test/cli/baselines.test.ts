import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatTable, readBaselines, run } from '../../src/cli/baselines.js';
import { createDefaultConfig, resolve } from '../../src/processors/baseline/config.js';
import { baselineFactory } from '../../src/processors/baseline/factory.js';
import { buildBatch, FakeClock, testSettings } from '../processors/step-harness.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Learns `batches` hourly batches of one series (10 samples in (2,4] each) into a store and returns its path. */
async function learnedStore(batches = 3, startMs = Date.now() - 2 * 3_600_000): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-cli-'));
  dirs.push(dir);
  const store = join(dir, 'state.db');
  const config = { ...createDefaultConfig(), period: '3h', store, min_samples: 20, min_coverage: 0.5 };
  const clock = new FakeClock(startMs);
  const p = baselineFactory.create(testSettings('baseline', clock), config, { consume: async () => undefined });
  await p.start();
  for (let i = 0; i < batches; i++) {
    const batch = buildBatch(
      [{ resource: { 'service.name': 'shop' }, metrics: [{ name: 'http.server.request.duration', kind: 'exponential_histogram', temporality: 'delta', unit: 's',
        points: [{ attributes: { 'http.route': '/a' }, count: 10, sum: 30, scale: 0, positive: { offset: 1, bucketCounts: [10] } }] }] }],
      clock.ms,
    );
    await p.consume(batch);
    if (i < batches - 1) clock.ms += 3_600_000;
  }
  await p.shutdown();
  return store;
}

describe('iora baselines', () => {
  it('reads learned series from the store into a table', async () => {
    const store = await learnedStore();
    const settings = resolve({ ...createDefaultConfig(), period: '3h', store, min_samples: 20, min_coverage: 0.5 });
    const rows = readBaselines(store, { namespace: 'baseline', settings }, Date.now());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ service: 'shop', series: 'http_server_request_duration_seconds{http_route="/a"}', samples: 30, ready: true });
    expect(rows[0]!.quantiles.map((q) => Number(q.value.toFixed(4)))).toEqual([2.6667, 2.6667, 2.6667]);
    const table = formatTable(rows);
    expect(table.split('\n')[0]).toMatch(/^SERVICE\s+SERIES\s+P50 \[LOW-HIGH\]\s+P95 \[LOW-HIGH\]\s+P99 \[LOW-HIGH\]\s+SAMPLES\s+COVERAGE\s+READY\s+SEASONALITY$/);
    expect(table).toContain('2.67 [2.67-2.67]');
    expect(readBaselines(store, { namespace: 'baseline', settings }, Date.now(), 'other')).toEqual([]);
  });

  it('counts only the buckets the processor holds for its period, not one more', async () => {
    // Hourly batches at whole hours; the last bucket is closed at shutdown, exactly at the hour it starts:
    // the store holds buckets 2 to 5 from there, one more than the 3-hour period.
    const hour0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000;
    const store = await learnedStore(6, hour0);
    const settings = resolve({ ...createDefaultConfig(), period: '3h', store, min_samples: 20, min_coverage: 0.5 });
    const [row] = readBaselines(store, { namespace: 'baseline', settings }, hour0 + 5 * 3_600_000);
    expect(row).toMatchObject({ samples: 30, coverage: 1 });
  });

  it('runs from --store and from a config, and explains bad usage', async () => {
    const store = await learnedStore();
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    expect(await run(['--store', store, '--period', '3h', '--service', 'shop'])).toBe(0);
    expect(out.join('')).toContain('http_server_request_duration_seconds{http_route="/a"}');
    const config = join(dirs[0]!, 'pipeline.yaml');
    writeFileSync(config, `receivers:\n  otlp: {}\nprocessors:\n  baseline: { period: 3h, store: ${store} }\nexporters:\n  log: {}\nservice:\n  pipelines:\n    metrics: { receivers: [otlp], processors: [baseline], exporters: [log] }\n`);
    out.length = 0;
    expect(await run(['--config', config])).toBe(0);
    expect(out.join('')).toContain('/a');
    expect(await run([])).toBe(2);
    expect(await run(['--store', join(dirs[0]!, 'missing.db')])).toBe(1);
    expect(err.join('')).toMatch(/give --config FILE/);
  });
});
