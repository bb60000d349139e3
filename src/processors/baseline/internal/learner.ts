// Learning over the period: deltas are absorbed into time buckets; a bucket that ends is closed (its
// sketch written to the store, merged into the series' baseline, its median kept for seasonality);
// a bucket that leaves the period is subtracted from the baseline. Nothing is ever re-sorted: the
// baseline is a running merge of sketches, plus one subtraction per expired bucket.

import type { Logger } from 'pino';
import { quantileRankInterval } from '../../../stats/rank-interval.js';
import { seasonality } from '../../../stats/seasonality.js';
import type { BucketRow, StateStore } from '../../../store/state-store.js';
import type { BaselineSettings } from '../config.js';
import { decodeDist, distCount, encodeDist, mergeDistInto, quantile, subtractDist, valueAtRank, type Dist } from './distribution.js';
import { appended, type BaselineQuantile, type BaselineView, type Season, type SeriesState } from './series-state.js';
import type { TimeSlicer } from './time-slicer.js';

const DAY_MS = 86_400_000;
/** Bucket rows per store transaction: small enough to be a short slice, large enough to amortize the commit. */
const FLUSH_CHUNK = 100;
const SEASONS: ReadonlyArray<{ season: Season; ms: number }> = [
  { season: 'weekly', ms: 7 * DAY_MS },
  { season: 'daily', ms: DAY_MS },
];

/** Each quantile of `dist` with its rank-based confidence bounds at `confidenceLevel`. */
export function describeQuantiles(dist: Dist, quantiles: readonly number[], confidenceLevel: number): BaselineQuantile[] {
  const n = distCount(dist);
  return quantiles.map((q) => {
    const est = quantile(dist, q);
    const ranks = quantileRankInterval(n, q, confidenceLevel);
    return {
      q,
      value: est.value,
      lower: ranks ? valueAtRank(dist, ranks.lower).value : NaN,
      upper: ranks ? valueAtRank(dist, ranks.upper).value : NaN,
      ...(est.bucketError === undefined ? {} : { bucketError: est.bucketError }),
    };
  });
}

/** The series' baseline, decoded (a fresh object the caller may merge into). */
export function baselineOf(state: SeriesState): Dist | undefined {
  return state.baselineBytes === undefined ? undefined : decodeDist(state.baselineBytes);
}

export function setBaseline(state: SeriesState, baseline: Dist | undefined): void {
  state.baselineBytes = baseline === undefined ? undefined : encodeDist(baseline);
}

export class Learner {
  /** Rows written at the end of the step; read back before the store until then. */
  private dirty = new Map<string, BucketRow>();
  /** Failed writes to the store since start. */
  storeFailures = 0;

  constructor(
    private readonly settings: BaselineSettings,
    private readonly store: StateStore,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  bucketStart(timeMs: number): number {
    return Math.floor(timeMs / this.settings.bucketMs) * this.settings.bucketMs;
  }

  /** Adds one delta (the caller's to keep) to the bucket holding its time (a late delta for a closed bucket updates it in place). */
  absorb(state: SeriesState, timeMs: number, dist: Dist, nowMs: number): void {
    const start = this.bucketStart(timeMs);
    if (start + this.settings.bucketMs <= nowMs - this.settings.periodMs) return; // already outside the period
    if (state.ring.has(start)) {
      this.updateClosed(state, start, dist);
      return;
    }
    const open = state.open.find((b) => b.startMs === start);
    if (open === undefined) {
      state.open = appended(state.open, { startMs: start, bytes: encodeDist(dist) });
      return;
    }
    const current = decodeDist(open.bytes);
    open.bytes = encodeDist(mergeDistInto(current, dist) ?? dist);
  }

  private updateClosed(state: SeriesState, start: number, dist: Dist): void {
    const stored = this.load(state.key, start);
    const updated = stored === undefined ? dist : mergeDistInto(stored, dist);
    if (updated === undefined) return;
    state.ring.set(start, distCount(updated), quantile(updated, 0.5).value);
    const baseline = baselineOf(state);
    setBaseline(state, baseline === undefined ? dist : mergeDistInto(baseline, dist));
    this.markDirty({ seriesKey: state.key, startMs: start, data: encodeDist(updated) });
    state.view = undefined;
  }

  /** Closes every open bucket that has ended by `nowMs` (all of them when `all`). */
  closeDue(state: SeriesState, nowMs: number, all = false): void {
    const due = state.open.filter((bucket) => all || bucket.startMs + this.settings.bucketMs <= nowMs);
    if (due.length === 0) return;
    state.open = state.open.filter((bucket) => !due.includes(bucket));
    for (const bucket of due) this.close(state, bucket.startMs, decodeDist(bucket.bytes));
  }

  private close(state: SeriesState, start: number, dist: Dist): void {
    const update = state.ring.set(start, distCount(dist), quantile(dist, 0.5).value);
    if (!update.stored) return; // a whole period older than the newest closed bucket: outside the period
    let baseline = baselineOf(state);
    for (const old of update.displaced) baseline = this.withoutExpired(state, baseline, old);
    const data = encodeDist(dist);
    const merged = baseline === undefined ? dist : mergeDistInto(baseline, dist);
    if (merged === undefined) {
      this.restart(state, start, dist);
    } else {
      setBaseline(state, merged);
    }
    this.markDirty({ seriesKey: state.key, startMs: start, data });
    this.updateSeasonality(state, start);
    state.view = undefined;
  }

  /** The series changed histogram kind or bounds: its old learning cannot be merged with the new. */
  private restart(state: SeriesState, start: number, dist: Dist): void {
    for (const s of state.ring.allStarts()) if (s !== start) state.ring.remove(s);
    setBaseline(state, dist);
    this.logger.warn({ series: state.meta.labels }, 'baseline: series %s changed histogram layout; its learning restarts', state.meta.labels.metric);
  }

  /** Expires buckets that left the period. */
  expire(state: SeriesState, nowMs: number): void {
    const cutoff = nowMs - this.settings.periodMs;
    const expired = state.ring.startsBefore(cutoff + 1 - this.settings.bucketMs);
    if (expired.length === 0) return;
    let baseline = baselineOf(state);
    for (const start of expired) {
      state.ring.remove(start);
      baseline = this.withoutExpired(state, baseline, start);
    }
    setBaseline(state, baseline);
  }

  /** The baseline without the bucket at `start` (already removed from the ring). */
  private withoutExpired(state: SeriesState, baseline: Dist | undefined, start: number): Dist | undefined {
    state.view = undefined;
    const stored = this.load(state.key, start);
    return (stored && baseline && subtractDist(baseline, stored)) ?? this.rebuild(state);
  }

  /** Recomputes the baseline from the ring's stored buckets (load, and the rare case a subtraction cannot be done). */
  rebuild(state: SeriesState): Dist | undefined {
    let acc: Dist | undefined;
    for (const s of state.ring.allStarts()) {
      const d = this.load(state.key, s);
      if (d === undefined) continue;
      acc = acc === undefined ? d : (mergeDistInto(acc, d) ?? acc);
    }
    return acc;
  }

  /** Restores a series' closed bucket from the store (startup) into `baseline`, its merge so far; returns the merge. */
  restoreBucket(state: SeriesState, baseline: Dist | undefined, start: number, dist: Dist): Dist | undefined {
    const update = state.ring.set(start, distCount(dist), quantile(dist, 0.5).value);
    state.view = undefined;
    let merged = baseline;
    for (const old of update.displaced) merged = this.withoutExpired(state, merged, old);
    if (!update.stored) return merged;
    return merged === undefined ? dist : (mergeDistInto(merged, dist) ?? dist);
  }

  updateSeasonality(state: SeriesState, newestStart: number): void {
    const medians = state.ring.medianSeries(newestStart);
    for (const { season, ms } of SEASONS) {
      const lag = ms / this.settings.bucketMs;
      if (!Number.isInteger(lag) || lag < 2) continue;
      const s = seasonality(medians, lag);
      if (s === undefined) delete state.seasonality[season];
      else state.seasonality[season] = s;
    }
  }

  /** The baseline to compare "now" against: the seasonal one when a pattern is detected and has enough samples. */
  view(state: SeriesState, nowMs: number): BaselineView | undefined {
    const phaseStartMs = this.bucketStart(nowMs);
    if (state.view !== undefined && (state.view.season === undefined || state.view.phaseStartMs === phaseStartMs)) return state.view;
    const baseline = baselineOf(state);
    if (baseline === undefined) return undefined;
    let chosen: Dist = baseline;
    let season: Season | undefined;
    for (const { season: name, ms } of SEASONS) {
      if (!state.seasonality[name]?.detected) continue;
      const seasonal = this.mergeStored(state, state.ring.samePhase(phaseStartMs, ms));
      if (seasonal !== undefined && distCount(seasonal) >= this.settings.minSamples) {
        chosen = seasonal;
        season = name;
        break;
      }
    }
    const n = distCount(chosen);
    const coverage = state.ring.occupied / state.ring.size;
    const described = describeQuantiles(chosen, this.settings.quantiles, this.settings.confidenceLevel);
    const bucketErrors = described.map((d) => d.bucketError);
    state.view = {
      samples: n,
      ready: n >= this.settings.minSamples && coverage >= this.settings.minCoverage,
      ...(season === undefined ? {} : { season }),
      phaseStartMs,
      bounds: described.flatMap((d) => [d.value, d.lower, d.upper]),
      ...(bucketErrors.every((e) => e === undefined) ? {} : { bucketErrors }),
    };
    return state.view;
  }

  private mergeStored(state: SeriesState, starts: number[]): Dist | undefined {
    let acc: Dist | undefined;
    for (const s of starts) {
      const d = this.load(state.key, s);
      if (d !== undefined) acc = acc === undefined ? d : (mergeDistInto(acc, d) ?? acc);
    }
    return acc;
  }

  private markDirty(row: BucketRow): void {
    this.dirty.set(`${row.seriesKey}\u0000${row.startMs}`, row);
  }

  private load(seriesKey: string, start: number): Dist | undefined {
    const bytes = this.dirty.get(`${seriesKey}\u0000${start}`)?.data ?? this.store.getBucket(this.namespace, seriesKey, start);
    if (bytes === undefined) return undefined;
    try {
      return decodeDist(bytes);
    } catch {
      return undefined;
    }
  }

  /**
   * Writes what the step changed and forgets buckets older than the period. Rows go in transactions of
   * FLUSH_CHUNK, yielding between them when `slicer` says the slice is used up (a bucket close writes a
   * row per series); a crash in between loses only rows of the bucket just closed. A store that fails
   * (disk full, file removed) is logged once; learning goes on in memory, and buckets whose sketches
   * could not be written fall out of the baseline when they expire.
   */
  async flush(nowMs: number, pruneOld: boolean, slicer?: TimeSlicer): Promise<void> {
    const rows = [...this.dirty.values()];
    this.dirty.clear();
    try {
      for (let i = 0; i < rows.length; i += FLUSH_CHUNK) {
        this.store.putBuckets(this.namespace, rows.slice(i, i + FLUSH_CHUNK));
        if (slicer?.due) await slicer.yieldTurn();
      }
      if (pruneOld) this.store.deleteBucketsBefore(this.namespace, nowMs - this.settings.periodMs - this.settings.bucketMs);
    } catch (err) {
      this.storeFailures++;
      if (this.storeFailures === 1) {
        this.logger.error({ err, store: this.store.location }, 'baseline: cannot write the state store %s (%s); learning continues in memory, this error is logged once', this.store.location, err instanceof Error ? err.message : String(err));
      }
    }
  }
}
