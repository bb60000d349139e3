// validate: the spec's benchmark validator. Judges baselines against per-class latency targets (p95
// business target × safety margin, p99 technical limit), the error-rate ceiling, the cache hit ratio floor,
// throughput floors and the peak ceiling, and resource ceilings. Every judgement publishes
// `iora_target_threshold` (the value judged against; label `kind` = business / technical, `target` = which
// one) and `iora_target_breach` (0/1); each breach adds a Finding (`target_breach` or `resource_limit`)
// with the reason in words, on every evaluation while it lasts.

import type { Logger } from 'pino';
import type { GaugeMetric, MetricBatch, ResourceMetrics } from '../../pipeline/model.js';
import { parseDuration } from '../../pipeline/duration.js';
import type { ProcessorStep, StepContext } from '../../pipeline/processor-helper.js';
import { resourceKey, seriesKey } from '../../pipeline/series-key.js';
import type { ValidateConfig } from './config.js';
import { judgeErrorRatios } from './internal/error-rate.js';
import { JudgementSink, type Judgement } from './internal/judgement.js';
import { LatencyTargets, tableKey } from './internal/latency-targets.js';
import { judgeRates, RATE_FEEDS, type RateGroupMeta } from './internal/rate-checks.js';
import { ResourceChecks } from './internal/resource-checks.js';
import { WindowedCounters, type WindowTotals } from './internal/windowed-counters.js';

const SCOPE = { name: 'iora.validate' };

export class ValidateStep implements ProcessorStep {
  private readonly latency: LatencyTargets;
  private readonly resources: ResourceChecks;
  private readonly counters: WindowedCounters<RateGroupMeta>;
  private readonly unknownUnits = new Set<string>();
  private droppedSeries = 0;

  constructor(
    private readonly config: ValidateConfig,
    private readonly logger: Logger,
  ) {
    const windowMs = parseDuration(config.window) ?? 60_000;
    this.latency = new LatencyTargets(config, config.max_series, (metric) => this.unknownUnit(metric));
    this.resources = new ResourceChecks(config, windowMs);
    this.counters = new WindowedCounters(windowMs, config.max_series, (n) => (this.droppedSeries += n));
  }

  process(batch: MetricBatch, ctx: StepContext): MetricBatch {
    const sink = new JudgementSink(ctx.nowMs, resourceKey);
    for (const rm of batch.resourceMetrics) this.judgeResource(rm, sink, ctx.nowMs);
    for (const totals of this.counters.takeComplete(ctx.nowMs)) {
      if (totals.meta.feed.group === 'bulk_rows') this.recordsPerOperation(totals);
      for (const j of judgeRates(totals, this.config)) sink.add(j);
    }
    this.resources.prune(ctx.nowMs);
    if (this.droppedSeries > 0) {
      ctx.drop(this.droppedSeries, 'max_series');
      this.droppedSeries = 0;
    }
    return this.emit(batch, sink);
  }

  private judgeResource(rm: ResourceMetrics, sink: JudgementSink, nowMs: number): void {
    const key = resourceKey(rm.resource);
    const gauges: GaugeMetric[] = [];
    const judgements: Judgement[] = [];
    for (const sm of rm.scopes) {
      for (const m of sm.metrics) {
        if (m.kind === 'gauge' && m.name.startsWith('iora_')) gauges.push(m);
        const feed = RATE_FEEDS.get(m.name);
        if (feed !== undefined && m.kind !== 'gauge') {
          const cumulative = m.temporality === 'cumulative';
          for (const p of m.points) {
            const part = feed.part(p.attributes);
            if (part === undefined) continue;
            const labels = feed.labels(p.attributes);
            const groupKey = `${key}\u0002${feed.group}\u0002${JSON.stringify(labels)}`;
            const value = 'value' in p ? p.value : p.count;
            this.counters.observe(groupKey, { resource: rm.resource, labels, feed }, part, {
              key: seriesKey(rm.resource, m.name, p.attributes),
              value,
              startTimeMs: p.startTimeMs,
              timeMs: p.timeMs,
              cumulative,
            });
          }
        }
      }
      judgements.push(...this.resources.judge(key, rm.resource, sm.metrics, nowMs));
    }
    judgements.push(...this.latency.judge(key, rm.resource, gauges));
    judgements.push(...judgeErrorRatios(rm.resource, gauges, this.config.error_rate));
    for (const j of judgements) sink.add(j);
  }

  private emit(batch: MetricBatch, sink: JudgementSink): MetricBatch {
    const derived: ResourceMetrics[] = [];
    for (const { resource, thresholds, breaches } of sink.resources()) {
      derived.push({
        resource,
        scopes: [
          {
            scope: SCOPE,
            metrics: [
              { kind: 'gauge', name: 'iora_target_threshold', description: 'The value a target is judged against (business: target × safety margin)', unit: '', points: thresholds },
              { kind: 'gauge', name: 'iora_target_breach', description: '1 while the target is breached, else 0', unit: '', points: breaches },
            ],
          },
        ],
      });
    }
    if (derived.length === 0) return batch;
    return {
      ...batch,
      resourceMetrics: [...batch.resourceMetrics, ...derived],
      findings: sink.findings.length > 0 ? [...(batch.findings ?? []), ...sink.findings] : batch.findings,
    };
  }

  private recordsPerOperation(totals: WindowTotals<RateGroupMeta>): void {
    const operations = totals.parts.get('operations') ?? 0;
    const records = totals.parts.get('records') ?? 0;
    if (operations > 0) this.latency.setRecordsPerOperation(tableKey(resourceKey(totals.meta.resource), totals.meta.labels), records / operations);
  }

  private unknownUnit(metric: string): void {
    if (this.unknownUnits.has(metric) || this.unknownUnits.size >= 100) return;
    this.unknownUnits.add(metric);
    this.logger.warn({ metric }, 'validate: cannot tell the unit of %s (no _seconds/_milliseconds suffix); its latency targets are not judged', metric);
  }
}
