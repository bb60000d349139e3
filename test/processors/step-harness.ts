// Golden step tests for processors (after the Collector's testdata/<case>/ step files): a case folder
// holds `config.yaml` (the component's config, merged over its defaults) and numbered step files fed in
// order to ONE processor instance with a fake clock, so state carries over between steps. A step file:
//
//   at: 2026-01-05T10:00:00Z          # the clock for this step (also the points' default time)
//   in:                               # resource metrics, compactly: kind defaults to gauge
//     - resource: { service.name: shop }
//       metrics:
//         - { name: process.memory.usage, unit: By, points: [{ value: 1000 }] }
//   out:
//     points:                         # every output point of the metrics the test selects, in order
//       - { metric: iora_target_breach, attributes: {...}, value: 1 }
//     findings:                       # every finding of the step, in order
//       - { kind: target_breach, severity: medium, labels: {...}, message: "...", values: {...} }
//
// Numbers are compared to 6 significant digits.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { parse } from 'yaml';
import { expect } from 'vitest';
import type { Clock, ComponentSettings, Factory, Host, Processor } from '../../src/pipeline/component.js';
import type { Attributes, Finding, Metric, MetricBatch, ResourceMetrics } from '../../src/pipeline/model.js';

export class FakeClock implements Clock {
  constructor(public ms = 0) {}
  now(): number {
    return this.ms;
  }
}

interface PointInput extends Record<string, unknown> {
  attributes?: Attributes;
  time?: string | number;
  start?: string | number;
}

interface MetricInput {
  name: string;
  kind?: Metric['kind'];
  unit?: string;
  temporality?: 'cumulative' | 'delta';
  monotonic?: boolean;
  points: PointInput[];
}

interface StepFile {
  at: string | number;
  in?: { resource?: Attributes; metrics: MetricInput[] }[];
  out?: { points?: unknown[]; findings?: unknown[] };
}

export function toMs(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

const POINT_DEFAULTS: Record<Metric['kind'], Record<string, unknown>> = {
  gauge: { value: 0 },
  sum: { value: 0 },
  histogram: { count: 0, sum: 0, bounds: [], bucketCounts: [0] },
  exponential_histogram: {
    count: 0,
    sum: 0,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
  },
};

/** Expands the compact YAML input into a MetricBatch. */
export function buildBatch(input: StepFile['in'], atMs: number): MetricBatch {
  const resourceMetrics: ResourceMetrics[] = (input ?? []).map((r) => ({
    resource: r.resource ?? {},
    scopes: [
      {
        scope: { name: 'test' },
        metrics: r.metrics.map((m) => {
          const kind = m.kind ?? 'gauge';
          const points = m.points.map(({ attributes, time, start, ...rest }) => ({
            ...POINT_DEFAULTS[kind],
            ...rest,
            attributes: attributes ?? {},
            timeMs: time === undefined ? atMs : toMs(time),
            startTimeMs: start === undefined ? 0 : toMs(start),
          }));
          const base = { name: m.name, description: '', unit: m.unit ?? '', kind, points };
          if (kind === 'gauge') return base as Metric;
          if (kind === 'sum') return { ...base, temporality: m.temporality ?? 'cumulative', monotonic: m.monotonic ?? true } as Metric;
          return { ...base, temporality: m.temporality ?? 'cumulative' } as Metric;
        }),
      },
    ],
  }));
  return { resourceMetrics };
}

function round(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
  if (Array.isArray(value)) return value.map(round);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
  }
  return value;
}

/** Output points of the selected metrics, flattened: metric, attributes and the value of number points. */
export function flattenPoints(batch: MetricBatch, select: (name: string) => boolean): unknown[] {
  const out: unknown[] = [];
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopes) {
      for (const m of sm.metrics) {
        if (!select(m.name)) continue;
        for (const p of m.points) {
          out.push('value' in p ? { metric: m.name, attributes: p.attributes, value: p.value } : { metric: m.name, attributes: p.attributes });
        }
      }
    }
  }
  return round(out) as unknown[];
}

function describeFindings(findings: readonly Finding[] | undefined): unknown[] {
  return round(
    (findings ?? []).map((f) => ({
      kind: f.kind,
      ...(f.severity === undefined ? {} : { severity: f.severity }),
      labels: f.labels,
      message: f.message,
      ...(f.values === undefined ? {} : { values: f.values }),
    })),
  ) as unknown[];
}

/** Objects deep-merged, arrays and scalars replaced: the engine's rule for user config over defaults. */
export function mergeConfig<T>(defaults: T, user: unknown): T {
  if (user === undefined || user === null) return defaults;
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults) || typeof user !== 'object' || Array.isArray(user)) {
    return user as T;
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(user as Record<string, unknown>)) out[k] = mergeConfig(out[k], v);
  return out as T;
}

export function testSettings(type: string, clock: Clock, host: Partial<Host> = {}): ComponentSettings {
  return {
    id: type,
    type,
    logger: pino({ level: 'silent' }),
    clock,
    meter: createNoopMeter(),
    host: {
      quarantine: { hold: () => undefined, release: () => undefined, isHeld: () => false },
      ...host,
    },
  };
}

export interface CaseRun {
  steps: { file: string; output: MetricBatch }[];
}

/**
 * Runs one case folder through a fresh processor of `factory` and checks every step's `out`.
 * `select` picks the output metrics a step's `out.points` lists.
 */
export async function runCase<C extends object>(
  caseDir: string,
  factory: Factory<C, Processor>,
  select: (name: string) => boolean,
): Promise<CaseRun> {
  const userConfig = parse(readFileSync(join(caseDir, 'config.yaml'), 'utf8')) as unknown;
  const config = mergeConfig(factory.createDefaultConfig(), userConfig);
  expect(factory.validate(config), 'config.yaml is valid').toEqual([]);
  const clock = new FakeClock();
  const outputs: MetricBatch[] = [];
  const processor = factory.create(testSettings(factory.type, clock), config, {
    consume: async (b) => {
      outputs.push(b);
    },
  });
  await processor.start();
  const run: CaseRun = { steps: [] };
  try {
    for (const file of readdirSync(caseDir).filter((f) => /^\d+.*\.yaml$/.test(f)).sort()) {
      const step = parse(readFileSync(join(caseDir, file), 'utf8')) as StepFile;
      clock.ms = toMs(step.at);
      outputs.length = 0;
      await processor.consume(buildBatch(step.in, clock.ms));
      expect(outputs, `${file}: one batch forwarded`).toHaveLength(1);
      const output = outputs[0]!;
      if (step.out?.points !== undefined) expect(flattenPoints(output, select), `${file}: points`).toEqual(round(step.out.points));
      if (step.out?.findings !== undefined) expect(describeFindings(output.findings), `${file}: findings`).toEqual(round(step.out.findings));
      run.steps.push({ file, output });
    }
  } finally {
    await processor.shutdown();
  }
  return run;
}

/** The case folders under a testdata directory. */
export function caseDirs(testdata: string): string[] {
  return readdirSync(testdata, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(testdata, d.name))
    .sort();
}
