import { describe, expect, it } from 'vitest';
import { BenchInputError } from '../../src/bench/input-error.js';
import { parseScenarioFile } from '../../src/bench/scenario-file.js';

function problems(text: string): readonly string[] {
  try {
    parseScenarioFile(text, 'f.yaml');
  } catch (err) {
    if (err instanceof BenchInputError) return err.problems;
    throw err;
  }
  throw new Error('expected a BenchInputError');
}

describe('parseScenarioFile', () => {
  it('merges scenarios over defaults and the built-in defaults', () => {
    const [a, b] = parseScenarioFile(
      [
        'defaults:',
        '  connections: 4',
        '  duration: 2s',
        '  headers: { authorization: Bearer x }',
        'scenarios:',
        '  - name: read',
        '    url: http://127.0.0.1:3000/users/1',
        '    operation_class: simple_query',
        '  - name: write',
        '    url: http://127.0.0.1:3000',
        '    method: post',
        '    amount: 500',
        '    rate: 50',
        '    warmup: 1s',
        '    requests:',
        '      - { path: /orders, body: { sku: 1 } }',
        '      - { method: GET, path: /orders/1 }',
        '    targets: { p99: 800ms, error_rate: 0.01, throughput: 40 }',
        '    setup: ./seed.sh',
        '    cleanup: ./drop.sh',
        '    metrics_url: http://127.0.0.1:9464/metrics',
      ].join('\n'),
      'f.yaml',
    );
    expect(a).toEqual({
      name: 'read',
      url: 'http://127.0.0.1:3000/users/1',
      method: 'GET',
      headers: { authorization: 'Bearer x' },
      connections: 4,
      durationMs: 2000,
      warmupMs: 0,
      timeoutMs: 10_000,
      operationClass: 'simple_query',
      targets: {},
    });
    expect(b).toMatchObject({
      method: 'POST',
      amount: 500,
      rate: 50,
      warmupMs: 1000,
      setup: './seed.sh',
      cleanup: './drop.sh',
      metricsUrl: 'http://127.0.0.1:9464/metrics',
      targets: { p99: 800, errorRate: 0.01, throughput: 40 },
      requests: [{ path: '/orders', body: '{"sku":1}', headers: { 'content-type': 'application/json' } }, { method: 'GET', path: '/orders/1' }],
    });
    // The scenario's amount overrides the defaults' duration.
    expect(b!.durationMs).toBeUndefined();
  });

  it('a JSON body gets a JSON content type unless one is set', () => {
    const [s] = parseScenarioFile('scenarios:\n  - { name: a, url: "http://h/", method: POST, body: { a: 1 }, targets: { p95: 1s } }\n', 'f.yaml');
    expect(s).toMatchObject({ body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    const [t] = parseScenarioFile('scenarios:\n  - { name: a, url: "http://h/", method: POST, body: "x=1", headers: { Content-Type: text/plain }, targets: { p95: 1s } }\n', 'f.yaml');
    expect(t).toMatchObject({ body: 'x=1', headers: { 'Content-Type': 'text/plain' } });
  });

  it('a problem in defaults is reported once, at defaults', () => {
    const found = problems('defaults:\n  connections: -1\n  bogus: 1\nscenarios:\n  - { name: a, url: "http://h/", targets: { p95: 1s } }\n  - { name: b, url: "http://h/", targets: { p95: 1s } }\n');
    expect(found).toEqual([
      'f.yaml: defaults.bogus: unknown key (allowed: url, method, headers, body, requests, connections, rate, duration, amount, warmup, timeout, setup, cleanup, operation_class, targets, metrics_url) (line 3)',
      'f.yaml: defaults.connections: must be a positive integer (line 2)',
    ]);
  });

  it('conflicts, duplicates and shapes are all reported together', () => {
    const found = problems(
      [
        'scenarios:',
        '  - name: a',
        '    url: http://h/',
        '    duration: 1s',
        '    amount: 10',
        '    body: x',
        '    requests: [{ path: nope }]',
        '    operation_class: batch',
        '  - { name: a, url: "http://h/", targets: [1] }',
        '  - just a string',
      ].join('\n'),
    );
    expect(found).toEqual([
      'f.yaml: scenarios[0] "a": requests[0].path: must start with / (line 7)',
      'f.yaml: scenarios[0] "a": body: set body or requests, not both (give each request its own body) (line 6)',
      'f.yaml: scenarios[0] "a": duration: set duration or amount, not both (line 4)',
      'f.yaml: scenarios[0] "a": operation_class: must be one of simple_query, complex_analysis, bulk_operation (line 8)',
      'f.yaml: scenarios[1] "a": targets: must be a map with any of p50, p95, p99, error_rate, throughput (line 9)',
      'f.yaml: scenarios[1] "a": name: duplicate scenario name "a" (line 9)',
      'f.yaml: scenarios[2]: must be a map (name, url, …) (line 10)',
    ]);
  });

  it('an empty or scenario-less file is rejected', () => {
    expect(problems('')).toEqual(['f.yaml: must be a map with a `scenarios:` list']);
    expect(problems('scenarios: []\n')).toEqual(['f.yaml: scenarios: must be a non-empty list of scenarios (line 1)']);
  });
});
