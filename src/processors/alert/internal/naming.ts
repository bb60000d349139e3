// Findings → alert identity: the alert names of DESIGN.md and the labels that identify one alert.

import type { Finding } from '../../../pipeline/model.js';

const REGRESSION_ALERTS: Readonly<Record<string, string>> = {
  latency: 'IoraLatencyRegression',
  error_ratio: 'IoraErrorRateRegression',
  throughput: 'IoraThroughputDrop',
};

const KIND_ALERTS: Readonly<Record<string, string>> = {
  target_breach: 'IoraTargetBreach',
  resource_limit: 'IoraResourceLimit',
  memory_growth: 'IoraMemoryGrowth',
};

/** The alert a finding raises; undefined for findings that are not alerts (e.g. plain validation notes). */
export function alertName(finding: Finding): string | undefined {
  if (finding.kind === 'regression') return REGRESSION_ALERTS[finding.labels.signal ?? 'latency'];
  return KIND_ALERTS[finding.kind];
}

/**
 * Labels identifying the alert, without `severity` (a firing alert keeps its identity while its
 * severity escalates): alertname, service, instance, and the series' own labels.
 */
export function identityLabels(name: string, finding: Finding): Record<string, string> {
  const labels: Record<string, string> = { alertname: name };
  const service = finding.resource['service.name'];
  labels.service = service === undefined ? 'unknown_service' : String(service);
  const instance = finding.resource['service.instance.id'];
  if (instance !== undefined) labels.instance = String(instance);
  for (const [k, v] of Object.entries(finding.labels)) {
    // `signal` is already said by the alert name; `severity` is the alert's own label.
    if (k !== 'signal' && k !== 'severity' && !(k in labels)) labels[k] = v;
  }
  return labels;
}

export function alertKey(labels: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(labels).sort()) out += `${k}=${labels[k]}\u0001`;
  return out;
}
