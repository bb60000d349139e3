// A running `otlp` receiver on a free loopback port, delivering into a recording consumer the test controls.

import { createNoopMeter } from '@opentelemetry/api';
import { expect } from 'vitest';
import { pino } from 'pino';
import type { ComponentSettings, Consumer } from '../../../src/pipeline/component.js';
import type { MetricBatch } from '../../../src/pipeline/model.js';
import type { OtlpReceiverConfig } from '../../../src/receivers/otlp/config.js';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.js';
import type { OtlpReceiver } from '../../../src/receivers/otlp/receiver.js';

/** Records batches; `behaviour` lets a test make the downstream fail or stall. */
export class RecordingConsumer implements Consumer {
  readonly batches: MetricBatch[] = [];
  behaviour: (batch: MetricBatch) => Promise<void> = async () => undefined;

  async consume(batch: MetricBatch): Promise<void> {
    await this.behaviour(batch);
    this.batches.push(batch);
  }
}

export interface Harness {
  receiver: OtlpReceiver;
  consumer: RecordingConsumer;
  url: string;
  close(): Promise<void>;
}

export function receiverSettings(): ComponentSettings {
  return {
    id: 'otlp',
    type: 'otlp',
    logger: pino({ level: 'silent' }),
    clock: { now: () => Date.now() },
    meter: createNoopMeter(),
    // The receiver never touches the quarantine; the contract only requires one.
    host: { quarantine: { hold: () => undefined, release: () => undefined, isHeld: () => false } },
  };
}

export async function startReceiver(overrides: Partial<OtlpReceiverConfig> = {}): Promise<Harness> {
  const config = { ...otlpReceiverFactory.createDefaultConfig(), endpoint: '127.0.0.1:0', ...overrides };
  expect(otlpReceiverFactory.validate(config)).toEqual([]);
  const consumer = new RecordingConsumer();
  const receiver = otlpReceiverFactory.create(receiverSettings(), config, consumer);
  await receiver.start();
  const port = receiver.address()?.port as number;
  return {
    receiver,
    consumer,
    url: `http://127.0.0.1:${port}${config.metrics_url_path}`,
    close: () => receiver.shutdown(),
  };
}
