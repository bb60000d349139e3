// Per-series summary of the closed buckets of one period, in fixed-size typed arrays (one slot per
// bucket of the period, slot = bucket number mod size): which bucket holds the slot and its median
// (float32: it only feeds the seasonality correlation). The buckets' sketches themselves live in the
// store; this is what readiness, coverage and seasonality need, at 8 bytes per bucket in one buffer
// (7d/1h: 1.3 KB per series).

export class BucketRing {
  /** Bucket number + 1 of the bucket in each slot; 0 for an empty slot. */
  private readonly numbers: Uint32Array;
  /** Median of each slot's bucket; NaN when it had no samples. */
  private readonly medians: Float32Array;
  private filled = 0;

  constructor(
    readonly size: number,
    private readonly bucketMs: number,
  ) {
    const buffer = new ArrayBuffer(size * 8);
    this.numbers = new Uint32Array(buffer, 0, size);
    this.medians = new Float32Array(buffer, size * 4, size);
  }

  private slot(startMs: number): number {
    const n = Math.floor(startMs / this.bucketMs) % this.size;
    return n < 0 ? n + this.size : n;
  }

  private tag(startMs: number): number {
    return Math.floor(startMs / this.bucketMs) + 1;
  }

  private startOf(tag: number): number {
    return (tag - 1) * this.bucketMs;
  }

  has(startMs: number): boolean {
    return this.numbers[this.slot(startMs)] === this.tag(startMs);
  }

  /** Occupied buckets (closed, not expired). */
  get occupied(): number {
    return this.filled;
  }

  /**
   * Records a closed bucket. Returns the start of the older bucket it displaces from the same slot
   * (now outside the period: the caller expires it), or undefined.
   */
  set(startMs: number, count: number, median: number): number | undefined {
    const i = this.slot(startMs);
    const previous = this.numbers[i]!;
    const tag = this.tag(startMs);
    if (previous === 0) this.filled++;
    this.numbers[i] = tag;
    this.medians[i] = count > 0 ? median : NaN;
    return previous === 0 || previous === tag ? undefined : this.startOf(previous);
  }

  remove(startMs: number): void {
    const i = this.slot(startMs);
    if (this.numbers[i] !== this.tag(startMs)) return;
    this.numbers[i] = 0;
    this.filled--;
  }

  /** Starts of occupied buckets older than `cutoffMs`. */
  startsBefore(cutoffMs: number): number[] {
    const out: number[] = [];
    for (const tag of this.numbers) if (tag !== 0 && this.startOf(tag) < cutoffMs) out.push(this.startOf(tag));
    return out;
  }

  /** Starts of occupied buckets, any order. */
  allStarts(): number[] {
    const out: number[] = [];
    for (const tag of this.numbers) if (tag !== 0) out.push(this.startOf(tag));
    return out;
  }

  /** Starts of occupied buckets at the same phase as `startMs` in a season of `seasonMs`. */
  samePhase(startMs: number, seasonMs: number): number[] {
    const out: number[] = [];
    for (const tag of this.numbers) {
      if (tag === 0) continue;
      const s = this.startOf(tag);
      if ((startMs - s) % seasonMs === 0) out.push(s);
    }
    return out;
  }

  /** Medians of the `size` buckets ending with the one starting at `newestStartMs`, oldest first (gaps undefined). */
  medianSeries(newestStartMs: number): Array<number | undefined> {
    const out: Array<number | undefined> = [];
    for (let k = this.size - 1; k >= 0; k--) {
      const start = newestStartMs - k * this.bucketMs;
      const i = this.slot(start);
      const median = this.medians[i]!;
      out.push(this.numbers[i] === this.tag(start) && !Number.isNaN(median) ? median : undefined);
    }
    return out;
  }
}
