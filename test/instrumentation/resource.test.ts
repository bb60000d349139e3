import { describe, expect, it } from 'vitest';
import { agentResource, parseResourceAttributes } from '../../instrumentation/resource.js';

describe('agent resource', () => {
  it('parses OTEL_RESOURCE_ATTRIBUTES with percent-encoding, skipping bad pairs', () => {
    expect(parseResourceAttributes('deployment.environment=prod,team=a%2Cb,broken,=x')).toEqual({
      'deployment.environment': 'prod',
      team: 'a,b',
    });
  });

  it('names the service, keeps a user-given instance id, adds host and process', () => {
    const r = agentResource({ OTEL_SERVICE_NAME: 'checkout', OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=pod-1' });
    expect(r.attributes['service.name']).toBe('checkout');
    expect(r.attributes['service.instance.id']).toBe('pod-1');
    expect(typeof r.attributes['host.name']).toBe('string');
    expect(r.attributes['process.pid']).toBe(process.pid);
  });

  it('gives each process a fresh instance id by default', () => {
    expect(agentResource({}).attributes['service.instance.id']).not.toBe(agentResource({}).attributes['service.instance.id']);
  });
});
