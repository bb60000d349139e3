// Per-series summary of the closed buckets of one period: a slot per bucket of the period (slot = bucket
// number mod size) holding the bucket's median (float32: it only feeds the seasonality correlation) and
// whether it is occupied. Which bucket a slot holds follows from the newest bucket the ring has seen:
// the ring only ever holds the `size` buckets up to it, so each slot has one candidate. The buckets'
// sketches themselves live in the store; this is what readiness, coverage and seasonality need, at
// 5 bytes per bucket in one buffer (7d/1h: 840 bytes per series).

export interface RingUpdate {
  /** False when the bucket is a whole period older than the newest one: it was not recorded. */
  stored: boolean;
  /** Starts of the buckets that left the ring to make room (now outside the period: the caller expires them). */
  displaced: number[];
}

export class BucketRing {
  private readonly medians: Float32Array;
  private readonly occupiedSlots: Uint8Array;
  /** Bucket number of the newest bucket recorded; NaN before the first. */
  private newest = NaN;
  private filled = 0;

  constructor(
    readonly size: number,
    private readonly bucketMs: number,
  ) {
    const buffer = new ArrayBuffer(size * 5);
    this.medians = new Float32Array(buffer, 0, size);
    this.occupiedSlots = new Uint8Array(buffer, size * 4, size);
  }

  private numberOf(startMs: number): number {
    return Math.floor(startMs / this.bucketMs);
  }

  private slot(bucket: number): number {
    const n = bucket % this.size;
    return n < 0 ? n + this.size : n;
  }

  /** Whether `bucket` is one the slots can hold now: within a period up to the newest. */
  private inRange(bucket: number): boolean {
    return bucket <= this.newest && bucket > this.newest - this.size;
  }

  has(startMs: number): boolean {
    const bucket = this.numberOf(startMs);
    return this.inRange(bucket) && this.occupiedSlots[this.slot(bucket)] === 1;
  }

  /** Occupied buckets (closed, not expired). */
  get occupied(): number {
    return this.filled;
  }

  /** Records a closed bucket (again, for a late update), making room for it when it is the newest. */
  set(startMs: number, count: number, median: number): RingUpdate {
    const bucket = this.numberOf(startMs);
    const displaced: number[] = [];
    if (Number.isNaN(this.newest)) this.newest = bucket;
    if (bucket > this.newest) {
      // The slots of the buckets that fall out of the period up to `bucket` are reused.
      for (let old = Math.max(this.newest - this.size + 1, bucket - 2 * this.size + 1); old <= bucket - this.size; old++) {
        const i = this.slot(old);
        if (this.occupiedSlots[i] === 1) {
          this.occupiedSlots[i] = 0;
          this.filled--;
          displaced.push(old * this.bucketMs);
        }
      }
      this.newest = bucket;
    }
    if (!this.inRange(bucket)) return { stored: false, displaced };
    const i = this.slot(bucket);
    if (this.occupiedSlots[i] === 0) this.filled++;
    this.occupiedSlots[i] = 1;
    this.medians[i] = count > 0 ? median : NaN;
    return { stored: true, displaced };
  }

  remove(startMs: number): void {
    if (!this.has(startMs)) return;
    this.occupiedSlots[this.slot(this.numberOf(startMs))] = 0;
    this.filled--;
  }

  /** Starts of occupied buckets, newest first. */
  allStarts(): number[] {
    const out: number[] = [];
    for (let bucket = this.newest; bucket > this.newest - this.size; bucket--) {
      if (this.occupiedSlots[this.slot(bucket)] === 1) out.push(bucket * this.bucketMs);
    }
    return out;
  }

  /** Starts of occupied buckets older than `cutoffMs`. */
  startsBefore(cutoffMs: number): number[] {
    return this.allStarts().filter((s) => s < cutoffMs);
  }

  /** Starts of occupied buckets at the same phase as `startMs` in a season of `seasonMs`. */
  samePhase(startMs: number, seasonMs: number): number[] {
    return this.allStarts().filter((s) => (startMs - s) % seasonMs === 0);
  }

  /** Medians of the `size` buckets ending with the one starting at `newestStartMs`, oldest first (gaps undefined). */
  medianSeries(newestStartMs: number): Array<number | undefined> {
    const out: Array<number | undefined> = [];
    for (let k = this.size - 1; k >= 0; k--) {
      const start = newestStartMs - k * this.bucketMs;
      const median = this.has(start) ? this.medians[this.slot(this.numberOf(start))]! : NaN;
      out.push(Number.isNaN(median) ? undefined : median);
    }
    return out;
  }
}
