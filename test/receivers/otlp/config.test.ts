import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../src/receivers/otlp/config.js';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.js';

describe('otlp receiver config', () => {
  it('defaults: loopback 4318, 20 MiB bodies, no auth — and they validate', () => {
    const config = otlpReceiverFactory.createDefaultConfig();
    expect(config).toMatchObject({ endpoint: '127.0.0.1:4318', max_request_body_size: 20 * 1024 * 1024, auth: { bearer_token: '' } });
    expect(otlpReceiverFactory.validate(config)).toEqual([]);
  });

  it('reports every problem at once, each with its path', () => {
    const config = {
      ...otlpReceiverFactory.createDefaultConfig(),
      endpoint: 'localhost',
      metrics_url_path: 'v1/metrics',
      max_request_body_size: 0,
      max_concurrent_requests: 1.5,
      max_queued_requests: -1,
      max_queue_wait: 'soon',
      retry_after: '0s',
      read_timeout: 30 as unknown as string,
      auth: { bearer_token: 'two words' },
    };
    expect(otlpReceiverFactory.validate(config).map((i) => i.path)).toEqual([
      'endpoint',
      'metrics_url_path',
      'max_request_body_size',
      'max_concurrent_requests',
      'max_queued_requests',
      'max_queue_wait',
      'retry_after',
      'read_timeout',
      'auth::bearer_token',
    ]);
  });

  it.each([
    ['127.0.0.1:4318', { host: '127.0.0.1', port: 4318 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:4318', { host: '::1', port: 4318 }],
    ['collector.internal:4318', { host: 'collector.internal', port: 4318 }],
    ['127.0.0.1:70000', undefined],
    [':4318', { host: '', port: 4318 }],
    ['4318', undefined],
    ['::1:4318', undefined],
  ])('parseEndpoint(%s)', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });
});
