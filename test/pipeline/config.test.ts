import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Factory } from '../../src/pipeline/component.js';
import { loadConfig, parseConfig } from '../../src/pipeline/config.js';
import { newRecorder, recordingFactories } from './recording-components.js';

const factories = recordingFactories(newRecorder());
const testdata = new URL('./testdata/', import.meta.url);

describe('loadConfig', () => {
  it('reports every problem at once, each with its path and line, in file order', () => {
    const result = loadConfig(new URL('errors.yaml', testdata).pathname, {}, { factories });
    const expected = readFileSync(new URL('errors.expected.txt', testdata), 'utf8').trimEnd().split('\n');
    expect(result.config).toBeUndefined();
    expect(result.errors).toEqual(expected);
  });

  it('merges user values over defaults (mappings deep, lists replaced) and keeps named instances apart', () => {
    const text = [
      'receivers:',
      '  rec:',
      'processors:',
      '  tag/p99: { tag: p99 }',
      '  tag:',
      '    limits: { max: 7 }',
      'exporters:',
      '  mem:',
      'service:',
      '  pipelines:',
      '    metrics:',
      '      receivers: [rec]',
      '      processors: [tag/p99, tag]',
      '      exporters: [mem]',
      '    metrics/raw:',
      '      receivers: [rec]',
      '      exporters: [mem]',
    ].join('\n');
    const { config, errors } = parseConfig(text, 'inline', {}, { factories });
    expect(errors).toEqual([]);
    expect(config?.processors.get('tag/p99')).toEqual({ id: 'tag/p99', type: 'tag', config: { tag: 'p99', limits: { max: 10 } } });
    expect(config?.processors.get('tag')?.config).toEqual({ tag: 'x', limits: { max: 7 } });
    expect(config?.receivers.get('rec')?.config).toEqual({ label: '' });
    expect(config?.pipelines).toEqual([
      { name: 'metrics', receivers: ['rec'], processors: ['tag/p99', 'tag'], exporters: ['mem'] },
      { name: 'metrics/raw', receivers: ['rec'], processors: [], exporters: ['mem'] },
    ]);
    expect(config?.telemetry).toEqual({ logs: { level: 'info' }, metrics: { enabled: true, interval: '10s' } });
  });

  it('substitutes ${env:VAR} and ${env:VAR:-default}; a whole-value reference keeps its YAML type', () => {
    const text = [
      'receivers: { rec: { label: "${env:HOST:-0.0.0.0}:${env:PORT:-9464}" } }',
      'processors:',
      '  tag:',
      '    tag: "$${env:LITERAL}"',
      '    limits: { max: "${env:MAX}" }',
      'exporters: { mem: }',
      'service: { pipelines: { metrics: { receivers: [rec], processors: [tag], exporters: [mem] } } }',
    ].join('\n');
    const { config, errors } = parseConfig(text, 'inline', { PORT: '9999', MAX: '42' }, { factories });
    expect(errors).toEqual([]);
    expect(config?.receivers.get('rec')?.config).toEqual({ label: '0.0.0.0:9999' });
    expect(config?.processors.get('tag')?.config).toEqual({ tag: '${env:LITERAL}', limits: { max: 42 } });
  });

  it('reports the first YAML syntax error with its line, hinting at unquoted env references in flow style', () => {
    expect(parseConfig('receivers:\n  rec: [\n', 'bad.yaml', {}, { factories }).errors).toEqual([
      expect.stringMatching(/^bad\.yaml: YAML syntax error: .* \(line \d+\)$/),
    ]);
    const flow = parseConfig('receivers: { rec: { label: ${env:X:-a} } }\nexporters: { mem: }\n', 'flow.yaml', {}, { factories });
    expect(flow.errors).toHaveLength(1);
    expect(flow.errors[0]).toMatch(/^flow\.yaml: YAML syntax error: .* \(line 1\); inside \{ \} or \[ \], quote \$\{env:…\} references: "\$\{env:VAR\}"$/);
  });

  it('checks service::telemetry and requires a pipeline', () => {
    const { errors } = parseConfig('service:\n  telemetry:\n    logs: { level: loud }\n    metrics: { interval: soon }\n', 'x', {}, { factories });
    expect(errors).toEqual([
      'service::pipelines must define at least one pipeline (service::pipelines::metrics) (line 1)',
      'service::telemetry::logs::level must be one of fatal, error, warn, info, debug, trace, silent (line 3)',
      'service::telemetry::metrics::interval "soon" is not a duration (use ms, s, m, h, d, w: 30s, 5m, 1h, 7d) (line 4)',
    ]);
  });

  it('accepts any key under a factory\'s freeform paths, and checks the rest', () => {
    const freeform: Factory<{ operations: Record<string, unknown>; level: number }> = {
      kind: 'processor',
      type: 'ops',
      createDefaultConfig: () => ({ operations: {}, level: 1 }),
      freeformKeys: ['operations'],
      validate: () => [],
      create: () => ({ start: async () => {}, shutdown: async () => {}, consume: async () => {} }),
    };
    const text = [
      'receivers: { rec: }',
      'processors: { ops: { operations: { simple_query: { routes: [a] } }, levle: 2 } }',
      'exporters: { mem: }',
      'service: { pipelines: { metrics: { receivers: [rec], processors: [ops], exporters: [mem] } } }',
    ].join('\n');
    const { errors } = parseConfig(text, 'inline', {}, { factories: { ...factories, processors: [freeform] } });
    expect(errors).toEqual(['processors::ops::levle is an unknown key (valid keys: operations, level) (line 2)']);
  });

  it('loads the shipped pipelines with their environment overrides', () => {
    const root = new URL('../../pipelines/', import.meta.url).pathname;
    const embedded = loadConfig(`${root}default.yaml`, { OTEL_EXPORTER_PROMETHEUS_PORT: '9999' });
    expect(embedded.errors).toEqual([]);
    expect(embedded.config?.exporters.get('prometheus')?.config).toMatchObject({ endpoint: '0.0.0.0:9999' });
    expect(embedded.config?.pipelines).toEqual([
      {
        name: 'metrics',
        receivers: ['agent'],
        processors: ['classify', 'baseline', 'validate', 'regression', 'leak', 'alert'],
        exporters: ['prometheus'],
      },
    ]);
    const collector = loadConfig(`${root}collector.yaml`, {});
    expect(collector.errors).toEqual([]);
    expect(collector.config?.receivers.get('otlp')?.config).toMatchObject({ endpoint: '0.0.0.0:4318' });
  });

  it('says so when the file is not a mapping at all', () => {
    expect(parseConfig('- receivers\n', 'x', {}, { factories }).errors).toEqual([
      'the config must be a mapping',
      'service::pipelines must define at least one pipeline (service::pipelines::metrics)',
    ]);
  });

  it('names the file when it cannot be read', () => {
    expect(loadConfig('/nonexistent/iora.yaml').errors[0]).toMatch(/^cannot read config \/nonexistent\/iora\.yaml: ENOENT/);
  });
});
