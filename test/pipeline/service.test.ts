import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ServiceConfig } from '../../src/pipeline/config.js';
import type { SumMetric } from '../../src/pipeline/model.js';
import { Service } from '../../src/pipeline/service.js';
import { gaugeBatch, newRecorder, recordingFactories, type Recorder } from './recording-components.js';

const logger = pino({ level: 'silent' });

function setup(yaml: string): { rec: Recorder; service: Service; config: ServiceConfig } {
  const rec = newRecorder();
  const factories = recordingFactories(rec);
  const { config, errors } = parseConfig(yaml, 'inline', {}, { factories });
  expect(errors).toEqual([]);
  const service = new Service(config as ServiceConfig, { logger, factories });
  return { rec, service, config: config as ServiceConfig };
}

const TWO_PIPELINES = `
receivers: { rec/a: , rec/b: }
processors: { tag/1: { tag: one }, tag/2: { tag: two } }
exporters: { mem/x: , mem/y: }
service:
  telemetry: { metrics: { enabled: false } }
  pipelines:
    metrics:
      receivers: [rec/a, rec/b]
      processors: [tag/1, tag/2]
      exporters: [mem/x]
    metrics/second:
      receivers: [rec/a]
      processors: [tag/2]
      exporters: [mem/x, mem/y]
`;

function metricNames(rec: Recorder, exporter: string): string[] {
  return (rec.exported.get(exporter) ?? []).flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopes.flatMap((s) => s.metrics.map((m) => m.name))));
}

describe('Service', () => {
  it('starts exporters, then processors (nearest the exporters first), then receivers; shuts down in reverse', async () => {
    const { rec, service } = setup(TWO_PIPELINES);
    await service.start();
    await service.shutdown();
    await service.shutdown();
    expect(rec.events).toEqual([
      'start mem/x',
      'start mem/y',
      'start tag/2@metrics',
      'start tag/1@metrics',
      'start tag/2@metrics/second',
      'start rec/a',
      'start rec/b',
      'shutdown rec/b',
      'shutdown rec/a',
      'shutdown tag/2@metrics/second',
      'shutdown tag/1@metrics',
      'shutdown tag/2@metrics',
      'shutdown mem/y',
      'shutdown mem/x',
    ]);
  });

  it('runs the processor chain in order and fans a receiver out to every pipeline listing it', async () => {
    const { rec, service } = setup(TWO_PIPELINES);
    await service.start();
    await rec.receivers.get('rec/a')?.consume(gaugeBatch('m', 1));
    await rec.receivers.get('rec/b')?.consume(gaugeBatch('n', 2));
    await service.shutdown();
    expect(metricNames(rec, 'mem/x').sort()).toEqual(['m.one.two', 'm.two', 'n.one.two']);
    expect(metricNames(rec, 'mem/y')).toEqual(['m.two']);
  });

  it('names the component that failed to start and shuts down every component it created', async () => {
    const { rec, service } = setup(TWO_PIPELINES);
    rec.failStart.add('tag/1');
    await expect(service.start()).rejects.toThrow('cannot start processor "tag/1": boom');
    expect(rec.events).toEqual([
      'start mem/x',
      'start mem/y',
      'start tag/2@metrics',
      'start tag/1@metrics',
      'shutdown rec/b',
      'shutdown rec/a',
      // tag/2@metrics/second is shut down too, but the processor helper skips the step's shutdown when it never started
      'shutdown tag/1@metrics',
      'shutdown tag/2@metrics',
      'shutdown mem/y',
      'shutdown mem/x',
    ]);
  });

  it('stops starting components when shut down during start', async () => {
    const { rec, service } = setup(TWO_PIPELINES);
    const starting = service.start();
    await service.shutdown();
    await starting;
    // mem/x's start began before the shutdown; nothing started after it.
    expect(rec.events.filter((e) => e.startsWith('start'))).toEqual(['start mem/x']);
    expect(rec.events.at(-1)).toBe('shutdown mem/x');
  });

  it('is safe to shut down without start', async () => {
    const { rec, service } = setup(TWO_PIPELINES);
    await service.shutdown();
    await service.shutdown();
    expect(rec.events).toEqual([]);
  });

  it('feeds its own iora.pipeline.* telemetry through the pipelines under its resource', async () => {
    const rec = newRecorder();
    const factories = recordingFactories(rec);
    const yaml = `
receivers: { rec: }
exporters: { mem: }
service: { pipelines: { metrics: { receivers: [rec], exporters: [mem] } } }
`;
    const { config } = parseConfig(yaml, 'inline', {}, { factories });
    const service = new Service(config as ServiceConfig, { logger, factories, resource: { 'service.name': 'self' } });
    await service.start();
    await rec.receivers.get('rec')?.consume(gaugeBatch('m', 1));
    await service.shutdown();
    const selfBatches = (rec.exported.get('mem') ?? []).filter((b) => b.resourceMetrics[0]?.resource['service.name'] === 'self');
    const metrics = selfBatches.flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopes.flatMap((s) => s.metrics)));
    const received = metrics.find((m) => m.name === 'iora.pipeline.points.received') as SumMetric | undefined;
    expect(received?.points.find((p) => p.attributes['component'] === 'rec')?.value).toBe(1);
    const exported = metrics.find((m) => m.name === 'iora.pipeline.points.exported') as SumMetric | undefined;
    expect(exported?.points.find((p) => p.attributes['component'] === 'mem')?.value).toBe(1);
    expect(metrics.find((m) => m.name === 'iora.pipeline.latency')?.kind).toBe('histogram');
  });
});
