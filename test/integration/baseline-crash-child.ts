// Child process for baseline-crash.test.ts: learns hourly buckets into a SQLite store on a driven clock,
// reports each closed bucket on stdout, then idles inside an unfinished bucket until it is killed.
// argv: <store path> <start ms> <closed buckets before idling>

import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { baselineFactory } from '../../src/processors/baseline/factory.js';
import { hourBatch } from './baseline-crash-batch.js';

const [store = '', startArg = '0', closeArg = '3'] = process.argv.slice(2);
const HOUR = 3_600_000;
let now = Number(startArg);
const clock = { now: () => now };

async function main(): Promise<void> {
  const config = { ...baselineFactory.createDefaultConfig(), period: '1d', store };
  const settings = {
    id: 'baseline', type: 'baseline', logger: pino({ level: 'silent' }), clock, meter: createNoopMeter(),
    host: { quarantine: { hold: () => undefined, release: () => undefined, isHeld: () => false } },
  };
  const processor = baselineFactory.create(settings, config, { consume: async () => undefined });
  await processor.start();
  const closeCount = Number(closeArg);
  for (let h = 0; h <= closeCount; h++) {
    now = Number(startArg) + h * HOUR + 60_000;
    await processor.consume(hourBatch(now, 100)); // learned at the next batch
    now += 60_000;
    await processor.consume(hourBatch(now, 100));
    if (h > 0) process.stdout.write(`closed ${h}\n`);
  }
  // Inside the unfinished bucket, with data absorbed but not yet closed: the part a crash may lose.
  process.stdout.write('ready\n');
  setInterval(() => undefined, 1000);
}

void main();
