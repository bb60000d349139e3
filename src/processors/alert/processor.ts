// The alert step: findings in the batch → Alertmanager-style alerts in `batch.alerts` (fired,
// escalated, resolved, or re-sent while firing), and `iora_alerts_firing` by alertname and severity
// for every service that has had alerts. It reads findings only; it recomputes nothing.

import type { Alert, Attributes, GaugeMetric, MetricBatch, NumberPoint, ResourceMetrics } from '../../pipeline/model.js';
import type { ProcessorStep, StepContext } from '../../pipeline/processor-helper.js';
import { parseDuration } from '../../pipeline/duration.js';
import { resourceKey } from '../../pipeline/series-key.js';
import type { AlertConfig } from './config.js';
import { AlertBook, type AlertEvent } from './internal/alert-book.js';

const SCOPE = { name: 'iora/alert' };

interface FiringGauge {
  resource: Attributes;
  /** `alertname\u0001severity` pairs ever seen for this resource, so a pair that stops firing reads 0. */
  pairs: Set<string>;
}

export class AlertStep implements ProcessorStep {
  readonly book: AlertBook;
  /** Map order is first-alert order; beyond `history` resources, those with nothing firing are forgotten. */
  private readonly gauges = new Map<string, FiringGauge>();
  private readonly maxResources: number;

  constructor(config: AlertConfig) {
    this.maxResources = config.history;
    this.book = new AlertBook({
      cooldownMs: parseDuration(config.cooldown) ?? 0,
      resendIntervalMs: parseDuration(config.resend_interval) ?? 60_000,
      resolveTimeoutMs: parseDuration(config.resolve_timeout) ?? 300_000,
      history: config.history,
      grafanaUrl: config.grafana_url,
    });
  }

  process(batch: MetricBatch, ctx: StepContext): MetricBatch {
    const alerts: Alert[] = [];
    for (const finding of batch.findings ?? []) alerts.push(...this.book.apply(finding, ctx.nowMs));
    alerts.push(...this.book.tick(ctx.nowMs));
    const resourceMetrics = this.withFiringGauge(batch.resourceMetrics, ctx.nowMs);
    if (alerts.length === 0 && resourceMetrics === batch.resourceMetrics) return batch;
    return { ...batch, resourceMetrics, alerts: [...(batch.alerts ?? []), ...alerts] };
  }

  /** Appends iora_alerts_firing for every resource that has had alerts (to its ResourceMetrics, or a new one). */
  private withFiringGauge(resourceMetrics: ResourceMetrics[], nowMs: number): ResourceMetrics[] {
    const counts = this.countFiring(this.book.firing());
    this.forgetQuietResources(counts);
    if (this.gauges.size === 0) return resourceMetrics;
    const out = [...resourceMetrics];
    for (const [key, gauge] of this.gauges) {
      const points: NumberPoint[] = [];
      for (const pair of gauge.pairs) {
        const [alertname, severity] = pair.split('\u0001') as [string, string];
        points.push({ attributes: { alertname, severity }, startTimeMs: nowMs, timeMs: nowMs, value: counts.get(`${key}\u0002${pair}`) ?? 0 });
      }
      const metric: GaugeMetric = { kind: 'gauge', name: 'iora_alerts_firing', description: 'Alerts currently firing, by alertname and severity', unit: '', points };
      const index = out.findIndex((rm) => resourceKey(rm.resource) === key);
      const scope = { scope: SCOPE, metrics: [metric] };
      if (index >= 0) out[index] = { ...out[index]!, scopes: [...out[index]!.scopes, scope] };
      else out.push({ resource: gauge.resource, scopes: [scope] });
    }
    return out;
  }

  private forgetQuietResources(counts: ReadonlyMap<string, number>): void {
    let excess = this.gauges.size - this.maxResources;
    if (excess <= 0) return;
    const firingResources = new Set([...counts.keys()].map((k) => k.split('\u0002')[0]));
    for (const key of this.gauges.keys()) {
      if (excess <= 0) break;
      if (firingResources.has(key)) continue;
      this.gauges.delete(key);
      excess--;
    }
  }

  private countFiring(firing: Iterable<AlertEvent>): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { alert, resource } of firing) {
      const key = resourceKey(resource);
      const pair = `${alert.labels.alertname}\u0001${alert.labels.severity}`;
      let gauge = this.gauges.get(key);
      if (gauge === undefined) {
        gauge = { resource, pairs: new Set() };
        this.gauges.set(key, gauge);
      }
      gauge.pairs.add(pair);
      const countKey = `${key}\u0002${pair}`;
      counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
    }
    return counts;
  }
}
