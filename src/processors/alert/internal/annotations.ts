// What an alert says in words: the finding's message and its numbers, formatted for people.

import { formatDuration } from '../../../pipeline/duration.js';
import type { Finding } from '../../../pipeline/model.js';

function formatValue(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
}

export function annotationsFor(finding: Finding): Record<string, string> {
  const out: Record<string, string> = { summary: finding.message };
  const v = finding.values ?? {};
  if (v.current !== undefined) out.current = formatValue(v.current);
  if (v.baseline !== undefined) out.baseline = formatValue(v.baseline);
  if (v.degradation !== undefined) out.degradation = `${(v.degradation * 100).toFixed(1)}%`;
  if (v.target !== undefined) out.target = formatValue(v.target);
  if (v.window_seconds !== undefined) out.window = formatDuration(Math.round(v.window_seconds * 1000));
  return out;
}

/** The Grafana dashboard, with the alert's service and metric as dashboard variables. */
export function generatorUrl(grafanaUrl: string, labels: Readonly<Record<string, string>>): string | undefined {
  if (grafanaUrl === '') return undefined;
  const url = new URL(grafanaUrl);
  url.searchParams.set('var-service', labels.service ?? '');
  if (labels.metric !== undefined) url.searchParams.set('var-metric', labels.metric);
  return url.toString();
}
