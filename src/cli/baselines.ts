// `iora baselines [--config F] [--store PATH] [--service S]`: what the baseline processor has learned,
// read from its SQLite store: one row per series with p50/p95/p99 (with confidence bounds), samples,
// readiness and seasonality. Read-only: safe while the agent or collector is running.

import { parseArgs } from 'node:util';
import { loadConfig } from '../pipeline/config.js';
import { parseDuration } from '../pipeline/duration.js';
import { createDefaultConfig, resolve, type BaselineConfig, type BaselineSettings } from '../processors/baseline/config.js';
import { BucketRing } from '../processors/baseline/internal/bucket-ring.js';
import { decodeDist, distCount, mergeDist, quantile, type Dist } from '../processors/baseline/internal/distribution.js';
import { describeQuantiles } from '../processors/baseline/internal/learner.js';
import type { SeriesMeta } from '../processors/baseline/internal/series-state.js';
import { seasonality } from '../stats/seasonality.js';
import { openStoreReadOnly } from '../store/state-store.js';

const USAGE = 'usage: iora baselines [--config FILE] [--store PATH] [--service NAME]\n';

interface Source {
  namespace: string;
  settings: BaselineSettings;
}

/** Baseline processors of a config that keep a store (namespace = component id). */
function sourcesFromConfig(file: string): { sources: Source[]; errors: string[] } {
  const { config, errors } = loadConfig(file);
  if (!config) return { sources: [], errors };
  const sources: Source[] = [];
  for (const [id, c] of config.processors) {
    if (c.type !== 'baseline') continue;
    const settings = resolve(c.config as BaselineConfig);
    if (settings.store !== '') sources.push({ namespace: id, settings });
  }
  if (sources.length === 0) errors.push(`${file}: no baseline processor with a store (set processors::baseline::store)`);
  return { sources, errors };
}

export interface BaselineRow {
  service: string;
  series: string;
  quantiles: { q: number; value: number; lower: number; upper: number }[];
  samples: number;
  coverage: number;
  ready: boolean;
  seasonality: string;
}

/** Reads a store's series and their buckets inside the period ending `nowMs`. */
export function readBaselines(storePath: string, source: Source, nowMs: number, service?: string): BaselineRow[] {
  const store = openStoreReadOnly(storePath);
  try {
    const { settings } = source;
    const size = settings.periodMs / settings.bucketMs;
    const learned = new Map<string, { meta: SeriesMeta; ring: BucketRing; buckets: Map<number, Dist>; newest: number }>();
    for (const row of store.listSeries(source.namespace)) {
      const meta = JSON.parse(row.meta) as SeriesMeta;
      if (service !== undefined && meta.resource['service.name'] !== service) continue;
      learned.set(row.seriesKey, { meta, ring: new BucketRing(size, settings.bucketMs), buckets: new Map(), newest: -Infinity });
    }
    for (const b of store.listBuckets(source.namespace, nowMs - settings.periodMs)) {
      const s = learned.get(b.seriesKey);
      if (s === undefined) continue;
      const dist = decodeDist(b.data);
      // What the processor's ring holds is its baseline: a bucket pushed out by a newer one is not in it.
      const update = s.ring.set(b.startMs, distCount(dist), quantile(dist, 0.5).value);
      for (const old of update.displaced) s.buckets.delete(old);
      if (update.stored) s.buckets.set(b.startMs, dist);
      s.newest = Math.max(s.newest, b.startMs);
    }
    const rows: BaselineRow[] = [];
    for (const { meta, ring, buckets, newest } of learned.values()) {
      let dist: Dist | undefined;
      for (const d of buckets.values()) dist = dist === undefined ? d : (mergeDist(dist, d) ?? dist);
      const samples = dist === undefined ? 0 : distCount(dist);
      const coverage = ring.occupied / ring.size;
      const seasons: string[] = [];
      for (const [name, days] of [['daily', 1], ['weekly', 7]] as const) {
        const lag = (days * 86_400_000) / settings.bucketMs;
        const s = Number.isInteger(lag) && lag >= 2 && Number.isFinite(newest) ? seasonality(ring.medianSeries(newest), lag) : undefined;
        if (s !== undefined) seasons.push(`${name} ${s.strength.toFixed(2)}${s.detected ? '*' : ''}`);
      }
      const { metric, ...labels } = meta.labels;
      rows.push({
        service: String(meta.resource['service.name'] ?? ''),
        series: `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
        quantiles: dist === undefined ? [] : describeQuantiles(dist, settings.quantiles, settings.confidenceLevel),
        samples,
        coverage,
        ready: samples >= settings.minSamples && coverage >= settings.minCoverage,
        seasonality: seasons.join(' ') || '-',
      });
    }
    return rows.sort((a, b) => a.service.localeCompare(b.service) || a.series.localeCompare(b.series));
  } finally {
    store.close();
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : '-';
}

/** A plain-text table; columns padded to their widest cell. */
export function formatTable(rows: BaselineRow[]): string {
  const qs = [...new Set(rows.flatMap((r) => r.quantiles.map((q) => q.q)))].sort((a, b) => a - b);
  const header = ['SERVICE', 'SERIES', ...qs.map((q) => `P${Number((q * 100).toPrecision(4))} [LOW-HIGH]`), 'SAMPLES', 'COVERAGE', 'READY', 'SEASONALITY'];
  const body = rows.map((r) => [
    r.service,
    r.series,
    ...qs.map((q) => {
      const e = r.quantiles.find((x) => x.q === q);
      return e ? `${fmt(e.value)} [${fmt(e.lower)}-${fmt(e.upper)}]` : '-';
    }),
    String(r.samples),
    `${Math.round(r.coverage * 100)}%`,
    r.ready ? 'yes' : 'no',
    r.seasonality,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  return [header, ...body].map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string' }, store: { type: 'string' }, service: { type: 'string' }, period: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  let sources: Source[];
  if (values.store !== undefined) {
    // A store without a config: the defaults (7d/1h…), or --period to read a shorter one.
    const config = { ...createDefaultConfig(), store: values.store, ...(values.period ? { period: values.period } : {}) };
    if (parseDuration(config.period) === undefined) {
      process.stderr.write(`--period: "${config.period}" is not a duration\n${USAGE}`);
      return 2;
    }
    sources = [{ namespace: 'baseline', settings: resolve(config) }];
  } else {
    const file = values.config ?? process.env.IORA_CONFIG;
    if (file === undefined) {
      process.stderr.write(`iora baselines: give --config FILE (or IORA_CONFIG) or --store PATH\n${USAGE}`);
      return 2;
    }
    const found = sourcesFromConfig(file);
    if (found.errors.length > 0) {
      process.stderr.write(found.errors.map((e) => `${e}\n`).join(''));
      return 1;
    }
    sources = found.sources;
  }
  const nowMs = Date.now();
  for (const source of sources) {
    let rows: BaselineRow[];
    try {
      rows = readBaselines(source.settings.store, source, nowMs, values.service);
    } catch (err) {
      process.stderr.write(`iora baselines: ${source.settings.store}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    if (sources.length > 1) process.stdout.write(`${source.namespace} (${source.settings.store})\n`);
    process.stdout.write(rows.length === 0 ? 'no baselines learned yet\n' : formatTable(rows));
  }
  return 0;
}
