// The resource every series carries: OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (read from the env the
// agent was given, like the SDK's env detector), host and process. Only local detectors: cloud detectors
// call metadata hosts at startup, which an agent must not do.

import { randomUUID } from 'node:crypto';
import { defaultResource, detectResources, hostDetector, processDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';

/** `key1=value1,key2=value2` with percent-encoded values, as the OpenTelemetry spec defines it. Bad pairs are skipped. */
export function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // malformed percent-encoding: skip the pair
    }
  }
  return out;
}

export function agentResource(env: NodeJS.ProcessEnv): Resource {
  const fromEnv: Record<string, string> = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) fromEnv['service.name'] = serviceName;
  // service.instance.id tells replicas apart; the user's own value (OTEL_RESOURCE_ATTRIBUTES) wins.
  return resourceFromAttributes({ 'service.instance.id': randomUUID() })
    .merge(defaultResource())
    .merge(detectResources({ detectors: [hostDetector, processDetector] }))
    .merge(resourceFromAttributes(fromEnv));
}
