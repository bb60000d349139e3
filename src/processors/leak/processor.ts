// leak: memory growth per process as a robust slope (Theil–Sen) of resident memory and of the V8 heap
// (after GC when the agent reports it) over the window, published as
// `iora_memory_growth_bytes_per_hour{metric=…}`. Growth above the spec's budget (10 MB/hour) is a
// `memory_growth` finding of severity medium, above its alarm (1 MB/minute) of severity high. Inside the
// agent it can also write a heap snapshot of its own process when growth is found (internal/heap-snapshots.ts).

import type { Logger } from 'pino';
import { parseDuration } from '../../pipeline/duration.js';
import type { Attributes, Finding, Metric, MetricBatch, NumberPoint, ResourceMetrics } from '../../pipeline/model.js';
import type { ProcessorStep, StepContext } from '../../pipeline/processor-helper.js';
import { prometheusMetricName } from '../../pipeline/prometheus-names.js';
import { resourceKey } from '../../pipeline/series-key.js';
import type { LeakConfig } from './config.js';
import { GrowthSeries } from './internal/growth-series.js';
import type { HeapSnapshots } from './internal/heap-snapshots.js';

const RSS_METRIC = 'process.memory.usage';
const MIB = 1024 * 1024;
const SCOPE = { name: 'iora.leak' };

interface Signal {
  series: GrowthSeries;
  /** The source metric's Prometheus name, for the `metric` label. */
  metricLabel: string;
  source: string;
}

interface ProcessState {
  /** `process.pid` of the resource: a new pid under the same instance id is a restart, memory starts over. */
  pid: unknown;
  rss?: Signal;
  heap?: Signal;
}

/** The sum of a gauge's points (the heap is reported per space) and their newest time. */
function reading(metric: Metric): { bytes: number; timeMs: number } | undefined {
  let bytes = 0;
  let timeMs = -Infinity;
  for (const p of metric.points) {
    if (!('value' in p)) return undefined;
    bytes += p.value;
    timeMs = Math.max(timeMs, p.timeMs);
  }
  return metric.points.length > 0 ? { bytes, timeMs } : undefined;
}

export class LeakStep implements ProcessorStep {
  private readonly processes = new Map<string, ProcessState>();
  private readonly windowMs: number;
  private readonly minSpanMs: number;
  private readonly budgetBytesPerHour: number;
  private readonly alarmBytesPerHour: number;

  constructor(
    private readonly config: LeakConfig,
    private readonly logger: Logger,
    private readonly snapshots?: HeapSnapshots,
  ) {
    this.windowMs = parseDuration(config.window) ?? 3_600_000;
    this.minSpanMs = parseDuration(config.min_span) ?? 900_000;
    this.budgetBytesPerHour = config.budget_mb_per_hour * MIB;
    this.alarmBytesPerHour = config.alarm_mb_per_minute * MIB * 60;
  }

  process(batch: MetricBatch, ctx: StepContext): MetricBatch {
    const derived: ResourceMetrics[] = [];
    const findings: Finding[] = [];
    for (const rm of batch.resourceMetrics) {
      const state = this.observe(rm, ctx);
      if (!state) continue;
      const points: NumberPoint[] = [];
      for (const signal of [state.rss, state.heap]) {
        if (!signal || signal.series.count < this.config.min_samples || signal.series.spanMs < this.minSpanMs) continue;
        const rate = signal.series.bytesPerHour();
        if (!Number.isFinite(rate)) continue;
        points.push({ attributes: { metric: signal.metricLabel }, startTimeMs: ctx.nowMs, timeMs: ctx.nowMs, value: rate });
        const finding = this.judge(rm.resource, signal, rate, ctx.nowMs);
        if (finding) findings.push(finding);
      }
      if (points.length > 0) {
        derived.push({
          resource: rm.resource,
          scopes: [{ scope: SCOPE, metrics: [{ kind: 'gauge', name: 'iora_memory_growth_bytes_per_hour', description: 'Robust slope (Theil–Sen) of memory over the leak window', unit: '', points }] }],
        });
      }
    }
    this.forgetQuietProcesses(ctx.nowMs);
    const own = findings.filter((f) => this.isOwnProcess(f.resource));
    if (this.snapshots && own.length > 0) this.snapshot(own);
    if (derived.length === 0) return batch;
    return {
      ...batch,
      resourceMetrics: [...batch.resourceMetrics, ...derived],
      findings: findings.length > 0 ? [...(batch.findings ?? []), ...findings] : batch.findings,
    };
  }

  private observe(rm: ResourceMetrics, ctx: StepContext): ProcessState | undefined {
    const byName = new Map<string, Metric>();
    for (const sm of rm.scopes) for (const m of sm.metrics) if (m.kind === 'gauge') byName.set(m.name, m);
    const rss = byName.get(RSS_METRIC);
    const heapName = this.config.heap_metrics.find((n) => byName.has(n));
    if (rss === undefined && heapName === undefined) return undefined;
    const key = resourceKey(rm.resource);
    const pid = rm.resource['process.pid'];
    let state = this.processes.get(key);
    if (!state || state.pid !== pid) {
      if (!state && this.processes.size >= this.config.max_processes) {
        ctx.drop(1, 'max_processes');
        return undefined;
      }
      this.processes.set(key, (state = { pid }));
    }
    if (rss) state.rss = this.record(state.rss, rss, ctx.nowMs);
    if (heapName !== undefined) state.heap = this.record(state.heap, byName.get(heapName)!, ctx.nowMs);
    return state;
  }

  /** Adds the metric's reading; a process whose heap metric changed starts a new series. */
  private record(signal: Signal | undefined, metric: Metric, nowMs: number): Signal {
    const current = signal?.source === metric.name ? signal : {
      series: new GrowthSeries(this.windowMs, this.config.max_samples),
      metricLabel: prometheusMetricName(metric),
      source: metric.name,
    };
    const r = reading(metric);
    if (r) current.series.add(r.timeMs, r.bytes, nowMs);
    return current;
  }

  private judge(resource: Attributes, signal: Signal, bytesPerHour: number, nowMs: number): Finding | undefined {
    const alarm = bytesPerHour > this.alarmBytesPerHour;
    if (!alarm && bytesPerHour <= this.budgetBytesPerHour) return undefined;
    const what = signal.source === RSS_METRIC ? 'Resident memory (RSS)' : signal.source.includes('after_gc') ? 'V8 heap after GC' : 'V8 heap';
    const perHour = bytesPerHour / MIB;
    const limit = alarm ? `the ${this.config.alarm_mb_per_minute} MB/minute leak alarm` : `the ${this.config.budget_mb_per_hour} MB/hour growth budget`;
    const windowSeconds = signal.series.spanMs / 1000;
    return {
      kind: 'memory_growth',
      resource,
      labels: { metric: signal.metricLabel },
      severity: alarm ? 'high' : 'medium',
      message: `${what} grows ${perHour.toFixed(1)} MB/hour (${(perHour / 60).toFixed(2)} MB/minute) over the last ${Math.round(windowSeconds / 60)} min, above ${limit}`,
      values: { current: bytesPerHour, target: alarm ? this.alarmBytesPerHour : this.budgetBytesPerHour, window_seconds: windowSeconds },
      timeMs: nowMs,
    };
  }

  /** In the agent the pipeline shares the app's process; a resource naming another pid is not ours. */
  private isOwnProcess(resource: Attributes): boolean {
    const pid = resource['process.pid'];
    return pid === undefined || Number(pid) === process.pid;
  }

  private snapshot(findings: Finding[]): void {
    const first = findings[0]!;
    const outcome = this.snapshots!.write(String(first.resource['service.name'] ?? 'process'));
    if ('written' in outcome) {
      this.logger.warn({ path: outcome.written, bytes: outcome.bytes }, 'leak: memory keeps growing; heap snapshot written to %s (open it in Chrome DevTools → Memory)', outcome.written);
      for (const f of findings) f.message += `; heap snapshot ${outcome.written}`;
    } else {
      this.logger.debug({ reason: outcome.skipped }, 'leak: no heap snapshot');
    }
  }

  private forgetQuietProcesses(nowMs: number): void {
    for (const [key, state] of this.processes) {
      const newest = Math.max(state.rss?.series.newestMs ?? -Infinity, state.heap?.series.newestMs ?? -Infinity);
      if (nowMs - newest > this.windowMs) this.processes.delete(key);
    }
  }
}
