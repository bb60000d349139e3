// The resource every series carries: OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, host and process.
// Only local detectors: cloud detectors call metadata hosts at startup, which an agent must not do.

import { randomUUID } from 'node:crypto';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';

export function agentResource(): Resource {
  const detected = defaultResource().merge(detectResources({ detectors: [hostDetector, processDetector, envDetector] }));
  // service.instance.id tells replicas apart; the user's own value (OTEL_RESOURCE_ATTRIBUTES) wins.
  return resourceFromAttributes({ 'service.instance.id': randomUUID() }).merge(detected);
}
