// What the baseline processor remembers about one series.

import type { Attributes } from '../../../pipeline/model.js';
import type { Seasonality } from '../../../stats/seasonality.js';
import { BucketRing } from './bucket-ring.js';
import { extendLabels } from './labels.js';

/** Identity and labels of a learned series; persisted as the store's series metadata. */
export interface SeriesMeta {
  /** The service's identity (service.namespace, service.name): instances of a service learn together. */
  resource: Attributes;
  /** OTel metric name of the source. */
  metric: string;
  /** Labels of its derived series: sanitized attributes plus `metric` (Prometheus name). */
  labels: Record<string, string>;
  /** For request durations: the error-ratio group (labels without status/error) and whether this series counts as failed. */
  errorGroup?: { labels: Record<string, string>; failed: boolean };
}

/**
 * A delta of one stream, kept while it is inside the evaluation window and learned when it leaves it.
 * Encoded (encodeDist): a reference to the point would keep the whole decoded batch alive for a window,
 * and the bytes are a fraction of the sketch's size. The stream's window and its series' pending list
 * hold the same object.
 */
export interface WindowDelta {
  timeMs: number;
  bytes: Uint8Array;
  /** seriesKey() of the instance's stream it came from (the quarantine key). */
  streamKey: string;
}

/**
 * `list` plus `item`, as a new exact-size array. Each series holds a few of these lists of one to a few
 * entries; a push would give every one of them a 17-slot backing store.
 */
export function appended<T>(list: readonly T[], item: T): T[] {
  return list.length === 0 ? [item] : [...list, item];
}

export interface OpenBucket {
  startMs: number;
  bytes: Uint8Array;
}

export type Season = 'daily' | 'weekly';

export interface BaselineQuantile {
  q: number;
  value: number;
  lower: number;
  upper: number;
  bucketError?: number;
}

/** The published baseline of a series, cached until its learning changes or the seasonal phase moves. */
export interface BaselineView {
  samples: number;
  ready: boolean;
  season?: Season;
  /** Bucket start the seasonal choice was made for. */
  phaseStartMs: number;
  /**
   * Per configured quantile, in order: value, lower and upper bound (one flat array of numbers: views
   * live as long as their series, and an object per quantile would be most of their size).
   */
  bounds: number[];
  /** Per configured quantile, the relative error of an explicit-bucket estimate; absent for sketches. */
  bucketErrors?: Array<number | undefined>;
}

/**
 * One instance's stream of a series (the full seriesKey(), service.instance.id included): what it looks
 * like now. Instances of a service feed one SeriesState, so a restarted app (a new instance id) finds
 * its learning again.
 */
export class StreamState {
  /** Deltas inside the evaluation window. */
  window: readonly WindowDelta[] = [];
  /** Last cumulative point (encoded), to turn the next into a delta. */
  cumulative: { startTimeMs: number; count: number; bytes: Uint8Array } | undefined;

  constructor(
    readonly key: string,
    readonly series: SeriesState,
    public lastSeenMs: number,
  ) {}
}

/** What is learned about one series of a service over the period. */
export class SeriesState {
  readonly ring: BucketRing;
  /**
   * Merge of the ring's buckets (the flat baseline over the period), encoded (encodeDist): it changes
   * once a bucket, and as bytes it takes a fifth of the memory of the decoded sketch.
   */
  baselineBytes: Uint8Array | undefined;
  /** Buckets still filling (one, two around a bucket's end), encoded as the window's deltas are. */
  open: readonly OpenBucket[] = [];
  /** Deltas still inside the evaluation window, learned once they leave it unless their stream is quarantined by then. */
  pending: readonly WindowDelta[] = [];
  seasonality: Partial<Record<Season, Seasonality>> = {};
  view: BaselineView | undefined;
  /** Labels of quantile points, by the quantile's position in the configured list (derived points are built every evaluation). */
  quantileLabels: ReadonlyArray<Record<string, string>> | undefined;
  /** Key of the error-ratio group (JSON of its labels), computed once. */
  errorGroupKey: string | undefined;
  /** Labels plus one more (e.g. a seasonality point's `period`), built once per value. */
  private readonly extraLabels: Record<string, Record<string, string>> = {};
  lastSeenMs: number;

  constructor(
    readonly key: string,
    readonly meta: SeriesMeta,
    bucketsPerPeriod: number,
    bucketMs: number,
    nowMs: number,
  ) {
    this.ring = new BucketRing(bucketsPerPeriod, bucketMs);
    this.lastSeenMs = nowMs;
  }

  labelsWith(name: string, value: string): Record<string, string> {
    const key = `${name}\u0000${value}`;
    let labels = this.extraLabels[key];
    if (labels === undefined) {
      labels = extendLabels(this.meta.labels, { [name]: value });
      this.extraLabels[key] = labels;
    }
    return labels;
  }
}
