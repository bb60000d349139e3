// Golden step runner for the baseline processor: the shared step harness's file format plus what
// learning needs: `restart: true` (shut the processor down and start a new one on the same store,
// as a process restart would), `held: true|false` (the quarantine holds every series from this step
// on, or releases them), and `$STORE` in config.yaml (a fresh temporary SQLite file per case).
// Run with BASELINE_GOLDEN_UPDATE=1 to rewrite the `out:` of every step from the actual output
// (then review the diff: that is the point of a golden file).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, isMap, parse, visit } from 'yaml';
import { expect } from 'vitest';
import type { Processor, Quarantine } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import { baselineFactory } from '../../../src/processors/baseline/factory.js';
import type { BaselineConfig } from '../../../src/processors/baseline/config.js';
import { buildBatch, FakeClock, flattenPoints, mergeConfig, testSettings, toMs } from '../step-harness.js';

class SwitchQuarantine implements Quarantine {
  held = false;
  hold(): void {}
  release(): void {}
  isHeld(): boolean {
    return this.held;
  }
}

interface StepFile {
  at: string;
  restart?: boolean;
  held?: boolean;
  in?: Parameters<typeof buildBatch>[0];
  out?: { points?: unknown[] };
}

const UPDATE = process.env.BASELINE_GOLDEN_UPDATE === '1';

const derived = (name: string): boolean => name.startsWith('iora_');

export async function runBaselineCase(caseDir: string): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'baseline-golden-'));
  const raw = readFileSync(join(caseDir, 'config.yaml'), 'utf8').replaceAll('$STORE', join(tmp, 'state.db'));
  const config = mergeConfig(baselineFactory.createDefaultConfig(), parse(raw) as Partial<BaselineConfig>);
  expect(baselineFactory.validate(config), 'config.yaml is valid').toEqual([]);
  const clock = new FakeClock();
  const quarantine = new SwitchQuarantine();
  const outputs: MetricBatch[] = [];
  const make = (): Processor =>
    baselineFactory.create(testSettings('baseline', clock, { quarantine }), config, { consume: async (b) => void outputs.push(b) });
  let processor = make();
  await processor.start();
  try {
    for (const file of readdirSync(caseDir).filter((f) => /^\d+.*\.yaml$/.test(f)).sort()) {
      const path = join(caseDir, file);
      const step = parse(readFileSync(path, 'utf8')) as StepFile;
      clock.ms = toMs(step.at);
      if (step.restart) {
        await processor.shutdown();
        processor = make();
        await processor.start();
      }
      if (step.held !== undefined) quarantine.held = step.held;
      outputs.length = 0;
      await processor.consume(buildBatch(step.in, clock.ms));
      expect(outputs, `${file}: one batch forwarded`).toHaveLength(1);
      const actual = flattenPoints(outputs[0]!, derived);
      if (UPDATE) {
        writeFileSync(path, compactYaml({ ...step, out: { points: actual } }));
      } else {
        expect(actual, `${file}: points`).toEqual(roundLike(step.out?.points ?? []));
      }
    }
  } finally {
    await processor.shutdown();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Expected values are written rounded to 6 significant digits, as flattenPoints rounds the actual ones. */
function roundLike(points: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(points), (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)) as unknown[];
}

/** Block style for the structure, flow style for small leaf maps and lists (attributes, buckets). */
function compactYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Map: (_key, node) => {
      if (node.items.every((pair) => !isMap(pair.value) && !Array.isArray((pair.value as { items?: unknown }).items))) node.flow = true;
    },
    Seq: (_key, node) => {
      if (node.items.every((item) => !isMap(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
