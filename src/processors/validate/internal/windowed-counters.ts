// Counter increments summed over a window, per group of series (a service's requests over all routes,
// its cache lookups by result, its disk operations by direction). Cumulative counters are turned into
// increments with reset detection (new start time, or a value that went down); delta counters are
// increments already. State is one entry per series, capped, and forgotten when a series goes quiet.

export interface CounterObservation {
  key: string;
  value: number;
  startTimeMs: number;
  timeMs: number;
  cumulative: boolean;
}

interface LastValue {
  value: number;
  startTimeMs: number;
  timeMs: number;
}

interface Group<M> {
  meta: M;
  parts: Map<string, number>;
  fromMs: number;
  toMs: number;
}

export interface WindowTotals<M> {
  /** What the caller said about the group when it first observed it. */
  meta: M;
  /** Increments in the window by part (`hit`/`miss`, `read`/`write`, or '' for a single part). */
  parts: ReadonlyMap<string, number>;
  seconds: number;
}

export class WindowedCounters<M> {
  private readonly last = new Map<string, LastValue>();
  private readonly groups = new Map<string, Group<M>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxSeries: number,
    private readonly onDrop: (count: number) => void,
  ) {}

  /** Adds one counter point's increment since its previous point to `groupKey`'s window. */
  observe(groupKey: string, meta: M, part: string, o: CounterObservation): void {
    const increment = this.increment(o);
    if (increment === undefined) return;
    let group = this.groups.get(groupKey);
    if (!group) {
      group = { meta, parts: new Map(), fromMs: increment.fromMs, toMs: increment.toMs };
      this.groups.set(groupKey, group);
    }
    group.parts.set(part, (group.parts.get(part) ?? 0) + increment.value);
    group.fromMs = Math.min(group.fromMs, increment.fromMs);
    group.toMs = Math.max(group.toMs, increment.toMs);
  }

  /** Groups whose window is complete, each started afresh; quiet series and groups are forgotten. */
  takeComplete(nowMs: number): WindowTotals<M>[] {
    const out: WindowTotals<M>[] = [];
    for (const [key, g] of this.groups) {
      if (g.toMs - g.fromMs < this.windowMs) {
        if (nowMs - g.toMs > 2 * this.windowMs) this.groups.delete(key);
        continue;
      }
      out.push({ meta: g.meta, parts: g.parts, seconds: (g.toMs - g.fromMs) / 1000 });
      this.groups.set(key, { ...g, parts: new Map(), fromMs: g.toMs });
    }
    for (const [key, v] of this.last) if (nowMs - v.timeMs > 2 * this.windowMs) this.last.delete(key);
    return out;
  }

  private increment(o: CounterObservation): { value: number; fromMs: number; toMs: number } | undefined {
    if (!o.cumulative) return o.timeMs > o.startTimeMs ? { value: o.value, fromMs: o.startTimeMs, toMs: o.timeMs } : undefined;
    const prev = this.last.get(o.key);
    if (prev === undefined && this.last.size >= this.maxSeries) {
      this.onDrop(1);
      return undefined;
    }
    this.last.set(o.key, { value: o.value, startTimeMs: o.startTimeMs, timeMs: o.timeMs });
    if (prev === undefined || o.timeMs <= prev.timeMs) return undefined;
    const reset = o.startTimeMs !== prev.startTimeMs || o.value < prev.value;
    if (reset) return o.timeMs > o.startTimeMs ? { value: o.value, fromMs: Math.max(o.startTimeMs, prev.timeMs), toMs: o.timeMs } : undefined;
    return { value: o.value - prev.value, fromMs: prev.timeMs, toMs: o.timeMs };
  }
}
