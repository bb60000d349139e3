// kill -9 in the middle of learning: everything in closed buckets survives, at most the current
// bucket is lost. A real child process learns into a real SQLite file and is killed with SIGKILL.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricBatch } from '../../src/pipeline/model.js';
import { baselineFactory } from '../../src/processors/baseline/factory.js';
import { FakeClock, flattenPoints, testSettings } from '../processors/step-harness.js';
import { hourBatch } from './baseline-crash-batch.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'baseline-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Bundles the TypeScript child beside node_modules (so its package imports resolve) and returns its path. */
async function bundleChild(): Promise<string> {
  const dir = join(root, 'node_modules', '.cache', 'iora-test');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `baseline-crash-child-${process.pid}.mjs`);
  await build({ entryPoints: [join(root, 'test/integration/baseline-crash-child.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'silent' });
  return outfile;
}

function runUntilReady(script: string, args: string[]): Promise<{ closed: number; kill: () => Promise<NodeJS.Signals | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child not ready in 30 s: ${out} ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('ready\n')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const closed = out.split('\n').filter((l) => l.startsWith('closed ')).length;
      resolve({
        closed,
        kill: () =>
          new Promise((done) => {
            child.on('exit', (_code, signal) => done(signal));
            child.kill('SIGKILL');
          }),
      });
    });
  });
}

function samplesOf(batch: MetricBatch): number | undefined {
  const p = flattenPoints(batch, (n) => n === 'iora_baseline_samples')[0] as { value: number } | undefined;
  return p?.value;
}

describe('baseline store survives kill -9', () => {
  it('keeps every closed bucket after SIGKILL', async () => {
    const script = await bundleChild();
    const store = join(tmp, 'state.db');
    const start = Date.UTC(2026, 0, 5, 0, 0, 0);
    const child = await runUntilReady(script, [store, String(start), '3']);
    expect(child.closed).toBe(3);
    expect(existsSync(`${store}-wal`)).toBe(true); // killed with its write-ahead log open
    expect(await child.kill()).toBe('SIGKILL');
    rmSync(script, { force: true });

    // A new process on the same store, a minute later, still in the bucket the child was filling.
    const clock = new FakeClock(start + 3 * 3_600_000 + 3 * 60_000);
    const outputs: MetricBatch[] = [];
    const processor = baselineFactory.create(testSettings('baseline', clock), { ...baselineFactory.createDefaultConfig(), period: '1d', store }, {
      consume: async (b) => void outputs.push(b),
    });
    await processor.start();
    await processor.consume(hourBatch(clock.ms, 100));
    await processor.shutdown();
    // Hours 0, 1, 2 were closed (200 samples each); hour 3's 200 absorbed samples were in the open bucket: lost.
    expect(samplesOf(outputs[0]!)).toBe(600);
  });
});
