import { describe, expect, it } from 'vitest';
import { createDefaultConfig, validate } from '../../../src/exporters/status/config.js';

describe('status exporter config', () => {
  it('accepts its defaults', () => {
    expect(validate(createDefaultConfig())).toEqual([]);
  });

  it('reports every problem with its key', () => {
    expect(validate({ endpoint: 'localhost', path: 'status/', refresh: '100ms', staleness: 'soon', history: 0, max_series: 1.5 })).toEqual([
      { path: 'endpoint', message: '"localhost" is not host:port (e.g. 0.0.0.0:9465, [::]:9465)' },
      { path: 'path', message: 'must start with / and not end with / (e.g. /status)' },
      { path: 'refresh', message: 'must be at least 1s' },
      { path: 'staleness', message: '"soon" is not a duration (use ms, s, m, h, d, w: 30s, 5m, 1h, 7d)' },
      { path: 'history', message: 'must be a whole number ≥ 1' },
      { path: 'max_series', message: 'must be a whole number ≥ 1' },
    ]);
  });
});
