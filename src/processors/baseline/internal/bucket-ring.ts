// Per-series summary of the closed buckets of one period, in fixed-size typed arrays (one slot per
// bucket of the period, slot = bucket number mod size): start, sample count and median (float32: it
// only feeds the seasonality correlation). The buckets' sketches themselves live in the store; this is
// what readiness, coverage and seasonality need, at 16 bytes per bucket (7d/1h: 2.7 KB per series).

export class BucketRing {
  private readonly starts: Float64Array;
  private readonly counts: Uint32Array;
  private readonly medians: Float32Array;
  private filled = 0;

  constructor(
    readonly size: number,
    private readonly bucketMs: number,
  ) {
    this.starts = new Float64Array(size).fill(NaN);
    this.counts = new Uint32Array(size);
    this.medians = new Float32Array(size);
  }

  private slot(startMs: number): number {
    const n = Math.floor(startMs / this.bucketMs) % this.size;
    return n < 0 ? n + this.size : n;
  }

  has(startMs: number): boolean {
    return this.starts[this.slot(startMs)] === startMs;
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
    const previous = this.starts[i]!;
    if (Number.isNaN(previous)) this.filled++;
    this.starts[i] = startMs;
    this.counts[i] = count;
    this.medians[i] = median;
    return Number.isNaN(previous) || previous === startMs ? undefined : previous;
  }

  remove(startMs: number): void {
    const i = this.slot(startMs);
    if (this.starts[i] !== startMs) return;
    this.starts[i] = NaN;
    this.counts[i] = 0;
    this.filled--;
  }

  /** Starts of occupied buckets older than `cutoffMs`. */
  startsBefore(cutoffMs: number): number[] {
    const out: number[] = [];
    for (const s of this.starts) if (s < cutoffMs) out.push(s);
    return out;
  }

  /** Starts of occupied buckets, any order. */
  allStarts(): number[] {
    const out: number[] = [];
    for (const s of this.starts) if (!Number.isNaN(s)) out.push(s);
    return out;
  }

  /** Starts of occupied buckets at the same phase as `startMs` in a season of `seasonMs`. */
  samePhase(startMs: number, seasonMs: number): number[] {
    const out: number[] = [];
    for (const s of this.starts) {
      if (Number.isNaN(s)) continue;
      const d = (startMs - s) % seasonMs;
      if (d === 0) out.push(s);
    }
    return out;
  }

  /** Medians of the `size` buckets ending with the one starting at `newestStartMs`, oldest first (gaps undefined). */
  medianSeries(newestStartMs: number): Array<number | undefined> {
    const out: Array<number | undefined> = [];
    for (let k = this.size - 1; k >= 0; k--) {
      const start = newestStartMs - k * this.bucketMs;
      const i = this.slot(start);
      out.push(this.starts[i] === start && this.counts[i]! > 0 ? this.medians[i] : undefined);
    }
    return out;
  }
}
