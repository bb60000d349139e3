// What the baseline processor remembers about one series.

import type { Attributes } from '../../../pipeline/model.js';
import type { Seasonality } from '../../../stats/seasonality.js';
import { BucketRing } from './bucket-ring.js';
import type { Dist } from './distribution.js';

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

export interface TimedDist {
  timeMs: number;
  dist: Dist;
}

/** A delta waiting to be learned, with the seriesKey() of the instance's stream it came from (the quarantine key). */
export interface PendingDelta extends TimedDist {
  streamKey: string;
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
  quantiles: BaselineQuantile[];
}

/**
 * One instance's stream of a series (the full seriesKey(), service.instance.id included): what it looks
 * like now. Instances of a service feed one SeriesState, so a restarted app (a new instance id) finds
 * its learning again.
 */
export class StreamState {
  /** Deltas inside the evaluation window. */
  window: TimedDist[] = [];
  /** Last cumulative point, to turn the next into a delta. */
  cumulative: { startTimeMs: number; dist: Dist } | undefined;

  constructor(
    readonly key: string,
    readonly series: SeriesState,
    public lastSeenMs: number,
  ) {}
}

/** What is learned about one series of a service over the period. */
export class SeriesState {
  readonly ring: BucketRing;
  /** Merge of the ring's buckets (the flat baseline over the period). */
  baseline: Dist | undefined;
  /** Buckets still filling, by start. */
  readonly open = new Map<number, Dist>();
  /** Deltas still inside the evaluation window, learned once they leave it unless their stream is quarantined by then. */
  pending: PendingDelta[] = [];
  seasonality: Partial<Record<Season, Seasonality>> = {};
  view: BaselineView | undefined;
  /** Labels of quantile points, by quantile (derived points are built every evaluation). */
  readonly quantileLabels = new Map<number, Record<string, string>>();
  /** Key of the error-ratio group (JSON of its labels), computed once. */
  errorGroupKey: string | undefined;
  /** Labels plus one more (e.g. a seasonality point's `period`), built once per value. */
  private readonly extraLabels = new Map<string, Record<string, string>>();
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
    let labels = this.extraLabels.get(key);
    if (labels === undefined) {
      labels = { ...this.meta.labels, [name]: value };
      this.extraLabels.set(key, labels);
    }
    return labels;
  }
}
