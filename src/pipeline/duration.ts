// Durations in config are strings like `30s`, `1m`, `1h`, `7d`, `500ms` (or `1h30m`), as Prometheus
// and the Collector users write them. They must go down to seconds so tests and the demo can run a
// whole baseline cycle quickly.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** Milliseconds for a duration string, or undefined when it is not one. Zero is allowed (`0s`). */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const match = PART.exec(s);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return total;
}

/** A ConfigIssue-style message for an invalid duration, or undefined when valid and within bounds. */
export function checkDuration(value: unknown, opts: { min?: number; allowZero?: boolean } = {}): string | undefined {
  if (typeof value !== 'string') return 'must be a duration string such as 30s, 5m, 1h or 7d';
  const ms = parseDuration(value);
  if (ms === undefined) return `"${value}" is not a duration (use ms, s, m, h, d, w: 30s, 5m, 1h, 7d)`;
  if (ms === 0 && !opts.allowZero) return 'must be greater than zero';
  if (opts.min !== undefined && ms < opts.min) return `must be at least ${formatDuration(opts.min)}`;
  return undefined;
}

/** Shortest exact rendering: 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] as number;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
