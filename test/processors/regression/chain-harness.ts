// Golden step tests for the regression → alert chain. A case folder holds `config.yaml`
// (`regression:` and `alert:` sections, merged over the defaults) and numbered step files fed in order
// to ONE chain with a fake clock. Inputs are written as the baseline processor publishes them, in a
// shorthand expanded by derived-batch.ts:
//
//   at: 2026-01-05T10:01:00Z
//   series:
//     - resource: { service.name: shop }            # optional; default service.name: shop
//       source: { name: http.server.request.duration, unit: s, attributes: { http.route: /a } }
//       window: { p50: 0.1, p95: 0.24, p99: 0.3, count: 1000, rate: 16.7, error_ratio: 0.01 }
//       baseline: { p95: 0.2, lower: 0.196, upper: 0.204, ready: 1 }
//   out:
//     points: [...]      # every iora_regression_* point, in order (see step-harness flattenPoints)
//     findings: [...]    # regression findings, each compared as a subset (toMatchObject)
//     alerts: [...]      # batch.alerts, each compared as a subset
//     held: [{ http.route: /a }]   # source attributes of the step's series held in the quarantine
//     firing: [...]      # iora_alerts_firing points with a non-zero value

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import type { Consumer } from '../../../src/pipeline/component.js';
import type { Attributes, MetricBatch } from '../../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../../src/pipeline/quarantine.js';
import { seriesKey } from '../../../src/pipeline/series-key.js';
import { alertFactory } from '../../../src/processors/alert/factory.js';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { FakeClock, flattenPoints, mergeConfig, testSettings, toMs } from '../step-harness.js';
import { batchOf, type SeriesInput } from './derived-batch.js';

interface StepFile {
  at: string | number;
  series?: SeriesInput[];
  out?: { points?: unknown[]; findings?: unknown[]; alerts?: unknown[]; held?: Attributes[]; firing?: unknown[] };
}

export interface Chain {
  clock: FakeClock;
  quarantine: BoundedQuarantine;
  /** Feeds one batch through regression → alert; returns what reached the end. */
  feed(batch: MetricBatch): Promise<MetricBatch>;
  shutdown(): Promise<void>;
}

export async function createChain(config: { regression?: unknown; alert?: unknown }): Promise<Chain> {
  const clock = new FakeClock();
  const quarantine = new BoundedQuarantine();
  const regressionConfig = mergeConfig(regressionFactory.createDefaultConfig(), config.regression);
  const alertConfig = mergeConfig(alertFactory.createDefaultConfig(), config.alert);
  expect(regressionFactory.validate(regressionConfig), 'regression config is valid').toEqual([]);
  expect(alertFactory.validate(alertConfig), 'alert config is valid').toEqual([]);
  let last: MetricBatch | undefined;
  const sink: Consumer = { consume: async (b) => void (last = b) };
  const alert = alertFactory.create(testSettings('alert', clock, { quarantine }), alertConfig, sink);
  const regression = regressionFactory.create(testSettings('regression', clock, { quarantine }), regressionConfig, alert);
  await alert.start();
  await regression.start();
  return {
    clock,
    quarantine,
    async feed(batch) {
      last = undefined;
      await regression.consume(batch);
      expect(last, 'one batch forwarded').toBeDefined();
      return last!;
    },
    async shutdown() {
      await regression.shutdown();
      await alert.shutdown();
    },
  };
}

function firingPoints(batch: MetricBatch): unknown[] {
  return flattenPoints(batch, (n) => n === 'iora_alerts_firing').filter((p) => (p as { value: number }).value !== 0);
}

/** Runs one case folder; returns every step's output batch. */
export async function runChainCase(caseDir: string): Promise<MetricBatch[]> {
  const config = (parse(readFileSync(join(caseDir, 'config.yaml'), 'utf8')) ?? {}) as { regression?: unknown; alert?: unknown };
  const chain = await createChain(config);
  const outputs: MetricBatch[] = [];
  try {
    for (const file of readdirSync(caseDir).filter((f) => /^\d+.*\.yaml$/.test(f)).sort()) {
      const step = parse(readFileSync(join(caseDir, file), 'utf8')) as StepFile;
      chain.clock.ms = toMs(step.at);
      const series = step.series ?? [];
      const output = await chain.feed(batchOf(series, chain.clock.ms));
      outputs.push(output);
      const out = step.out ?? {};
      if (out.points !== undefined) {
        expect(flattenPoints(output, (n) => n.startsWith('iora_regression_')), `${file}: points`).toEqual(roundAll(out.points));
      }
      if (out.findings !== undefined) expect(roundAll(output.findings ?? []), `${file}: findings`).toMatchObject(out.findings);
      if (out.alerts !== undefined) expect(roundAll(output.alerts ?? []), `${file}: alerts`).toMatchObject(out.alerts);
      if (out.firing !== undefined) expect(firingPoints(output), `${file}: iora_alerts_firing`).toEqual(out.firing);
      if (out.held !== undefined) {
        const held = series
          .filter((s) => chain.quarantine.isHeld(seriesKey(s.resource ?? { 'service.name': 'shop' }, s.source.name, s.source.attributes ?? {}), chain.clock.ms))
          .map((s) => s.source.attributes ?? {});
        expect(held, `${file}: held in quarantine`).toEqual(out.held);
      }
    }
  } finally {
    await chain.shutdown();
  }
  return outputs;
}

function roundAll(values: readonly unknown[]): unknown[] {
  return values.map((v) => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(6)) : x))) as unknown);
}
