// The receiver's own series: requests by status and points by outcome, through the meter it is given.

import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { expect, it } from 'vitest';
import type { NumberPoint } from '../../../src/pipeline/model.js';
import { sdkToBatch } from '../../../src/pipeline/sdk-to-batch.js';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.js';
import { RecordingConsumer, receiverSettings } from './harness.js';
import { mixedRequest } from './payloads.js';

class Reader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

it('counts answered requests by status and points by outcome, labelled with the component id', async () => {
  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  const settings = { ...receiverSettings(), id: 'otlp/edge', meter: provider.getMeter('iora') };
  const receiver = otlpReceiverFactory.create(settings, { ...otlpReceiverFactory.createDefaultConfig(), endpoint: '127.0.0.1:0' }, new RecordingConsumer());
  await receiver.start();
  try {
    const url = `http://127.0.0.1:${receiver.address()?.port}/v1/metrics`;
    const json = { 'Content-Type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers: json, body: JSON.stringify(mixedRequest) })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).status).toBe(415);

    const { resourceMetrics } = await reader.collect();
    const metrics = sdkToBatch(resourceMetrics).resourceMetrics.flatMap((rm) => rm.scopes.flatMap((s) => s.metrics));
    const values = (name: string): Array<[unknown, number]> =>
      (metrics.find((m) => m.name === name)?.points as NumberPoint[]).map((p) => [p.attributes, p.value]);
    expect(values('iora.receiver.otlp.requests')).toEqual([
      [{ component: 'otlp/edge', 'http.response.status_code': 200 }, 1],
      [{ component: 'otlp/edge', 'http.response.status_code': 415 }, 1],
    ]);
    expect(values('iora.receiver.otlp.points')).toEqual([
      [{ component: 'otlp/edge', outcome: 'accepted' }, 3],
      [{ component: 'otlp/edge', outcome: 'rejected' }, 6],
    ]);
  } finally {
    await receiver.shutdown();
    await provider.shutdown();
  }
});
