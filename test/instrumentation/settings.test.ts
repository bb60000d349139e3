import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_INTERVAL_MS, INSTRUMENTATION_NAMES, readSettings } from '../../instrumentation/settings.js';

const cwd = process.cwd();

describe('readSettings', () => {
  it('defaults to embedded mode, every instrumentation, a 5 s interval', () => {
    const { settings, problems } = readSettings({}, cwd);
    expect(problems).toEqual([]);
    expect(settings.collectorUrl).toBeUndefined();
    expect(settings.exportIntervalMs).toBe(DEFAULT_EXPORT_INTERVAL_MS);
    expect([...settings.instrumentations]).toEqual([...INSTRUMENTATION_NAMES]);
    expect(settings.logLevel).toBe('info');
    expect(settings.dataDir).toBe(cwd);
  });

  it('reports every bad variable at once and keeps the defaults', () => {
    const { settings, problems } = readSettings(
      {
        IORA_LOG_LEVEL: 'loud',
        OTEL_METRIC_EXPORT_INTERVAL: '-3',
        OTEL_METRIC_EXPORT_TIMEOUT: '1.5',
        IORA_COLLECTOR_ENDPOINT: 'ftp://x',
        IORA_DATA_DIR: '/no/such/dir',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pgg',
        IORA_COLECTOR_ENDPOINT: 'http://x',
      },
      cwd,
    );
    const named = ['IORA_LOG_LEVEL', 'OTEL_METRIC_EXPORT_INTERVAL', 'OTEL_METRIC_EXPORT_TIMEOUT', 'IORA_COLLECTOR_ENDPOINT', 'IORA_DATA_DIR', 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', '"pgg"', 'IORA_COLECTOR_ENDPOINT'];
    for (const name of named) expect(problems.some((p) => p.includes(name)), name).toBe(true);
    expect(problems).toHaveLength(named.length);
    expect(settings.logLevel).toBe('info');
    expect(settings.exportIntervalMs).toBe(DEFAULT_EXPORT_INTERVAL_MS);
    expect(settings.collectorUrl).toBeUndefined();
    expect(settings.otlpProtocol).toBe('http/protobuf');
    expect([...settings.instrumentations]).toEqual(['http']);
  });

  it('builds the collector URL from IORA_COLLECTOR_ENDPOINT, or takes the OTEL metrics URL whole', () => {
    expect(readSettings({ IORA_COLLECTOR_ENDPOINT: 'http://c:4318' }, cwd).settings.collectorUrl).toBe('http://c:4318/v1/metrics');
    expect(readSettings({ IORA_COLLECTOR_ENDPOINT: 'http://c:4318/base/' }, cwd).settings.collectorUrl).toBe('http://c:4318/base/v1/metrics');
    expect(readSettings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/custom' }, cwd).settings.collectorUrl).toBe('http://c:4318/custom');
  });

  it('subtracts disabled instrumentations, accepting full package names', () => {
    const { settings } = readSettings({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: '@opentelemetry/instrumentation-pg, process' }, cwd);
    expect(settings.instrumentations.has('pg')).toBe(false);
    expect(settings.instrumentations.has('process')).toBe(false);
    expect(settings.instrumentations.has('mysql2')).toBe(true);
  });

  it('leaves IORA_* variables meant for pipeline YAML alone', () => {
    expect(readSettings({ IORA_TARGET_SIMPLE_QUERY_P95: '300ms', IORA_SAFETY_MARGIN: '1.2' }, cwd).problems).toEqual([]);
  });

  it('exports traces only with OTEL_TRACES_EXPORTER=otlp', () => {
    expect(readSettings({}, cwd).settings.traces).toBe(false);
    expect(readSettings({ OTEL_TRACES_EXPORTER: 'otlp' }, cwd).settings.traces).toBe(true);
    const jaeger = readSettings({ OTEL_TRACES_EXPORTER: 'jaeger' }, cwd);
    expect(jaeger.settings.traces).toBe(false);
    expect(jaeger.problems).toEqual([expect.stringContaining('OTEL_TRACES_EXPORTER')]);
  });

  it('honours OTEL_SDK_DISABLED', () => {
    expect(readSettings({ OTEL_SDK_DISABLED: 'true' }, cwd).settings.disabled).toBe(true);
  });
});
