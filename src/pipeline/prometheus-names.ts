// OpenTelemetry → Prometheus metric name translation (the OTel compatibility spec's rules), in one
// place: the Prometheus exporter writes these names and processors put them in the `metric` label
// of derived series, so dashboards can join the two.

import type { Metric } from './model.js';

const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  '%': 'percent',
  Hz: 'hertz',
  V: 'volts',
  W: 'watts',
  A: 'amperes',
  J: 'joules',
  Cel: 'celsius',
};

const PER_WORDS: Readonly<Record<string, string>> = { s: 'second', m: 'minute', h: 'hour', d: 'day' };

/** Replace characters Prometheus does not allow and collapse runs of underscores. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/** Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*. */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  return out;
}

/** The unit suffix for a UCUM unit (`s` → `seconds`, `By/s` → `bytes_per_second`); '' for none or annotations. */
export function unitSuffix(unit: string): string {
  const clean = unit.replace(/\{[^}]*\}/g, '').trim();
  if (clean === '' || clean === '1') return '';
  const [num, per] = clean.split('/', 2) as [string, string | undefined];
  const head = UNIT_WORDS[num] ?? sanitizeMetricName(num);
  if (per === undefined) return head;
  const tail = PER_WORDS[per] ?? UNIT_WORDS[per] ?? sanitizeMetricName(per);
  return head === '' ? `per_${tail}` : `${head}_per_${tail}`;
}

/**
 * Base Prometheus name of an OTel metric: `http.server.request.duration` (s) → `http_server_request_duration_seconds`,
 * a monotonic sum gets `_total`, a gauge with unit `1` gets `_ratio`. Histograms get `_bucket/_sum/_count` at write time.
 * Derived `iora_*` series (unit '') keep their name.
 */
export function prometheusMetricName(metric: Pick<Metric, 'name' | 'unit' | 'kind'> & { monotonic?: boolean }): string {
  let name = sanitizeMetricName(metric.name);
  const suffix = unitSuffix(metric.unit);
  if (suffix !== '' && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  if (metric.kind === 'gauge' && metric.unit === '1' && !name.endsWith('_ratio')) name += '_ratio';
  if (metric.kind === 'sum' && metric.monotonic === true && !name.endsWith('_total')) name += '_total';
  return name;
}
