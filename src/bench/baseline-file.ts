// The baseline: a JSON file meant to be committed next to the scenarios, holding every run of the
// last accepted measurement (not just means — significance needs the run-to-run spread). Beside it,
// a bounded JSON-lines history of every bench, for trends and for "when did this start".

import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BenchInputError } from './input-error.js';
import { METRICS, type Estimate, type RunMeasurement } from './measurement.js';
import type { Scenario } from './scenario.js';

export const BASELINE_FORMAT = 'iora-bench-baseline/1';
export const DEFAULT_BASELINE_PATH = 'iora-bench-baseline.json';
/** History lines kept; the oldest go first. */
export const HISTORY_LIMIT = 500;

/** The load shape a measurement was taken under: numbers from another shape are not comparable. */
export interface LoadShape {
  url: string;
  method: string;
  connections: number;
  rate?: number;
  durationMs?: number;
  amount?: number;
  requests?: number;
}

export interface BaselineScenario {
  load: LoadShape;
  runs: RunMeasurement[];
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  recordedAt: string;
  scenarios: Record<string, BaselineScenario>;
}

export function loadShape(s: Scenario): LoadShape {
  const shape: LoadShape = { url: s.url, method: s.method, connections: s.connections };
  if (s.rate !== undefined) shape.rate = s.rate;
  if (s.durationMs !== undefined) shape.durationMs = s.durationMs;
  if (s.amount !== undefined) shape.amount = s.amount;
  if (s.requests) shape.requests = s.requests.length;
  return shape;
}

/** What differs between two load shapes, e.g. `connections 10 → 20`; empty when the same. */
export function loadDifferences(recorded: LoadShape, now: LoadShape): string[] {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(now)] as (keyof LoadShape)[]);
  return [...keys].filter((k) => recorded[k] !== now[k]).map((k) => `${k} ${recorded[k] ?? '(none)'} → ${now[k] ?? '(none)'}`);
}

/** JSON has no NaN: a missing measurement is written as null and read back as NaN. */
function readEstimate(raw: unknown): Estimate {
  const e = (raw ?? {}) as Partial<Record<keyof Estimate, number | null>>;
  const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);
  return { value: num(e.value), lower: num(e.lower), upper: num(e.upper) };
}

/** A hand-edited or truncated run reads as "no data" rather than crashing the comparison. */
function readRun(raw: Partial<RunMeasurement> | null): RunMeasurement {
  const metrics = {} as RunMeasurement['metrics'];
  for (const m of METRICS) metrics[m] = readEstimate(raw?.metrics?.[m]);
  return { startedAt: String(raw?.startedAt), durationS: Number(raw?.durationS), ok: Number(raw?.ok), errors: Number(raw?.errors), metrics };
}

/** The baseline at `path`, or undefined when there is none yet. */
export function readBaseline(path: string): Baseline | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BenchInputError([`${path}: cannot read the baseline (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  let data: Baseline;
  try {
    data = JSON.parse(text) as Baseline;
  } catch (err) {
    throw new BenchInputError([`${path}: the baseline is not valid JSON (${(err as Error).message}); re-record it with --update-baseline`]);
  }
  if (data?.format !== BASELINE_FORMAT || typeof data.scenarios !== 'object' || data.scenarios === null) {
    throw new BenchInputError([`${path}: not an iora bench baseline (expected "format": "${BASELINE_FORMAT}"); re-record it with --update-baseline`]);
  }
  const scenarios: Record<string, BaselineScenario> = {};
  for (const [name, s] of Object.entries(data.scenarios)) {
    if (!Array.isArray(s?.runs) || typeof s.load !== 'object' || s.load === null) {
      throw new BenchInputError([`${path}: scenarios.${name} needs "load" and a "runs" list; re-record it with --update-baseline`]);
    }
    scenarios[name] = { load: s.load, runs: s.runs.map(readRun) };
  }
  return { format: BASELINE_FORMAT, recordedAt: String(data.recordedAt), scenarios };
}

/** Written to a temporary file and renamed, so a crash never leaves half a baseline. */
export function writeBaseline(path: string, baseline: Baseline): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(baseline, null, 2)}\n`);
  renameSync(tmp, path);
}

/** `iora-bench-baseline.json` → `iora-bench-baseline.history.jsonl`. */
export function historyPath(baselinePath: string): string {
  return `${baselinePath.replace(/\.json$/, '')}.history.jsonl`;
}

/** Appends one entry and trims the file to the newest HISTORY_LIMIT lines. */
export function appendHistory(path: string, entry: unknown, limit = HISTORY_LIMIT): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  if (lines.length > limit) {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${lines.slice(-limit).join('\n')}\n`);
    renameSync(tmp, path);
  }
}
