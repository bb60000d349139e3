// The `log` exporter: a readable summary of every batch through pino, one line per metric, for debugging
// a pipeline (what arrives, what processors add). Not meant for production volumes.

import type { ConfigIssue, Exporter, Factory } from '../../pipeline/component.js';
import type { Metric, MetricBatch } from '../../pipeline/model.js';

export interface LogExporterConfig {
  /** pino level of the summary lines. */
  level: 'trace' | 'debug' | 'info' | 'warn';
  /** Points shown per metric; the rest are counted. */
  max_points: number;
}

const LEVELS = ['trace', 'debug', 'info', 'warn'];

function formatPoint(metric: Metric, index: number): string {
  const p = metric.points[index];
  if (!p) return '';
  const attrs = Object.entries(p.attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  let value: string;
  if ('value' in p) value = String(p.value);
  else value = `count=${p.count} sum=${p.sum}`;
  return attrs === '' ? value : `{${attrs}} ${value}`;
}

/** `http.server.request.duration (histogram, s, cumulative) 3 points: {route=/a} count=2 sum=0.3; …` */
export function summarizeMetric(metric: Metric, maxPoints: number): string {
  const shape = metric.kind === 'gauge' ? 'gauge' : `${metric.kind}, ${metric.temporality}`;
  const unit = metric.unit === '' ? '' : `, ${metric.unit}`;
  const shown = Math.min(maxPoints, metric.points.length);
  const points = Array.from({ length: shown }, (_, i) => formatPoint(metric, i)).join('; ');
  const more = metric.points.length > shown ? ` (+${metric.points.length - shown} more)` : '';
  return `${metric.name} (${shape}${unit}) ${metric.points.length} points: ${points}${more}`;
}

export const logExporterFactory: Factory<LogExporterConfig, Exporter> = {
  kind: 'exporter',
  type: 'log',
  createDefaultConfig: () => ({ level: 'info', max_points: 5 }),
  validate(config) {
    const issues: ConfigIssue[] = [];
    if (!LEVELS.includes(config.level)) issues.push({ path: 'level', message: `must be one of ${LEVELS.join(', ')}` });
    if (!Number.isInteger(config.max_points) || config.max_points < 0) {
      issues.push({ path: 'max_points', message: 'must be a whole number ≥ 0' });
    }
    return issues;
  },
  create(settings, config) {
    const log = settings.logger;
    return {
      async start() {},
      async shutdown() {},
      async consume(batch: MetricBatch) {
        if (!log.isLevelEnabled(config.level)) return;
        for (const rm of batch.resourceMetrics) {
          const service = String(rm.resource['service.name'] ?? 'unknown');
          for (const scope of rm.scopes) {
            for (const metric of scope.metrics) log[config.level]({ service, scope: scope.scope.name }, summarizeMetric(metric, config.max_points));
          }
        }
        for (const f of batch.findings ?? []) log[config.level]({ finding: f.kind, severity: f.severity }, f.message);
        for (const a of batch.alerts ?? []) {
          log[config.level]({ alert: a.labels['alertname'], status: a.status, labels: a.labels }, `alert ${a.status}: ${a.annotations['summary'] ?? a.labels['alertname']}`);
        }
      },
    };
  },
};
