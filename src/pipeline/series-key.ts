// A stable identity for one series (resource + metric + attributes), shared by every stateful
// processor so that state about a series (baseline, regression, quarantine) lines up.

import type { Attributes } from './model.js';

/** Attributes that identify the emitting process; other resource attributes are descriptive. */
export const RESOURCE_IDENTITY_KEYS = ['service.namespace', 'service.name', 'service.instance.id'] as const;

function sortedPairs(attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  let out = '';
  for (const k of keys) out += `${k}=${String(attributes[k])}\u0001`;
  return out;
}

export function resourceKey(resource: Attributes): string {
  let out = '';
  for (const k of RESOURCE_IDENTITY_KEYS) {
    const v = resource[k];
    if (v !== undefined) out += `${k}=${String(v)}\u0001`;
  }
  return out;
}

export function seriesKey(resource: Attributes, metricName: string, attributes: Attributes): string {
  return `${resourceKey(resource)}\u0002${metricName}\u0002${sortedPairs(attributes)}`;
}
