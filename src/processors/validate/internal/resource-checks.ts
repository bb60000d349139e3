// Resource ceilings on the agent's process gauges: resident and virtual memory, CPU average and peak over
// the window, filesystem usage, open connections per pool. Memory growth is the `leak` processor's (it runs
// later in the pipeline and publishes the growth rate itself).

import { sanitizeLabelName } from '../../../pipeline/prometheus-names.js';
import type { Attributes, Metric } from '../../../pipeline/model.js';
import type { ValidateConfig } from '../config.js';
import type { Judgement } from './judgement.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** Bound on CPU samples kept per process: a 1 s export interval over a 15 min window. */
const MAX_CPU_SAMPLES = 900;

interface CpuHistory {
  samples: { timeMs: number; value: number }[];
}

function sumPoints(metric: Metric, keep: (a: Attributes) => boolean = () => true): { value: number; timeMs: number } | undefined {
  let value = 0;
  let timeMs = -Infinity;
  let seen = false;
  for (const p of metric.points) {
    if (!('value' in p) || !keep(p.attributes)) continue;
    value += p.value;
    timeMs = Math.max(timeMs, p.timeMs);
    seen = true;
  }
  return seen ? { value, timeMs } : undefined;
}

const fmt = (v: number, digits = 1): string => v.toFixed(digits);

/** Ceilings on a size the agent reports in bytes and the spec states in MB or GB. */
interface SizeLimit {
  target: 'resident_memory_mb' | 'virtual_memory_mb' | 'disk_usage_gb';
  metricLabel: string;
  what: string;
  unit: 'MB' | 'GB';
  unitBytes: number;
  keep?: (a: Attributes) => boolean;
}

const SIZE_LIMITS: ReadonlyMap<string, SizeLimit> = new Map<string, SizeLimit>([
  ['process.memory.usage', { target: 'resident_memory_mb', metricLabel: 'process_memory_usage_bytes', what: 'Resident memory', unit: 'MB', unitBytes: MIB }],
  ['process.memory.virtual', { target: 'virtual_memory_mb', metricLabel: 'process_memory_virtual_bytes', what: 'Virtual memory', unit: 'MB', unitBytes: MIB }],
  [
    'system.filesystem.usage',
    { target: 'disk_usage_gb', metricLabel: 'system_filesystem_usage_bytes', what: 'Disk usage', unit: 'GB', unitBytes: GIB, keep: (a) => a['system.filesystem.state'] === 'used' },
  ],
]);

function ceiling(resource: Attributes, labels: Record<string, string>, target: string, observed: number, limit: number, message: () => string, values: Record<string, number> = {}): Judgement {
  return {
    resource,
    labels: { ...labels, target },
    kind: 'technical',
    direction: 'ceiling',
    observed,
    threshold: limit,
    findingKind: 'resource_limit',
    severity: 'high',
    message,
    values: { target: limit, ...values },
  };
}

export class ResourceChecks {
  private readonly cpu = new Map<string, CpuHistory>();
  constructor(
    private readonly config: ValidateConfig,
    private readonly windowMs: number,
  ) {}

  /** Judgements for one resource's metrics in this batch. */
  judge(resourceKey: string, resource: Attributes, metrics: readonly Metric[], nowMs: number): Judgement[] {
    const rs = this.config.resources;
    const out: Judgement[] = [];
    for (const m of metrics) {
      const size = SIZE_LIMITS.get(m.name);
      if (size !== undefined) {
        const limit = rs[size.target];
        const reading = sumPoints(m, size.keep);
        if (reading && limit > 0) {
          const inUnits = reading.value / size.unitBytes;
          out.push(ceiling(resource, { metric: size.metricLabel }, size.target, reading.value, limit * size.unitBytes, () => `${size.what} ${fmt(inUnits, 2)} ${size.unit} exceeds the ${limit} ${size.unit} limit`));
        }
        continue;
      }
      switch (m.name) {
        case 'db.client.connection.count':
          if (rs.max_connections > 0) out.push(...this.connections(resource, m));
          break;
        case 'process.cpu.utilization': {
          const cpu = sumPoints(m);
          if (cpu) out.push(...this.cpuChecks(resourceKey, resource, cpu, nowMs));
          break;
        }
      }
    }
    return out;
  }

  /** Forget processes that stopped reporting. */
  prune(nowMs: number): void {
    for (const [key, h] of this.cpu) {
      const last = h.samples[h.samples.length - 1];
      if (last === undefined || nowMs - last.timeMs > 2 * this.windowMs) this.cpu.delete(key);
    }
  }

  private connections(resource: Attributes, m: Metric): Judgement[] {
    const limit = this.config.resources.max_connections;
    const byPool = new Map<string, number>();
    for (const p of m.points) {
      if (!('value' in p)) continue;
      const pool = String(p.attributes['db.client.connection.pool.name'] ?? '');
      byPool.set(pool, (byPool.get(pool) ?? 0) + p.value);
    }
    return [...byPool].map(([pool, open]) =>
      ceiling(resource, { metric: 'db_client_connection_count', [sanitizeLabelName('db.client.connection.pool.name')]: pool }, 'max_connections', open, limit, () => `Pool "${pool}" holds ${open} connections, above the limit of ${limit}`),
    );
  }

  private cpuChecks(resourceKey: string, resource: Attributes, cpu: { value: number; timeMs: number }, nowMs: number): Judgement[] {
    const rs = this.config.resources;
    let history = this.cpu.get(resourceKey);
    if (!history) this.cpu.set(resourceKey, (history = { samples: [] }));
    const samples = history.samples;
    const last = samples[samples.length - 1];
    if (last === undefined || cpu.timeMs > last.timeMs) samples.push({ timeMs: cpu.timeMs, value: cpu.value });
    while (samples.length > MAX_CPU_SAMPLES || (samples[0] !== undefined && samples[0].timeMs <= nowMs - this.windowMs)) samples.shift();
    if (samples.length === 0) return [];
    const labels = { metric: 'process_cpu_utilization_ratio' };
    const windowSeconds = this.windowMs / 1000;
    const out: Judgement[] = [];
    if (rs.peak_cpu_percent > 0) {
      const peak = Math.max(...samples.map((s) => s.value));
      out.push(ceiling(resource, labels, 'peak_cpu_percent', peak, rs.peak_cpu_percent / 100, () => `Peak CPU ${fmt(peak * 100)}% in the last ${windowSeconds} s exceeds the ${rs.peak_cpu_percent}% limit`, { window_seconds: windowSeconds }));
    }
    // The average needs most of a window; a process's first seconds (start-up work) are not its average.
    const span = samples.length > 1 ? samples[samples.length - 1]!.timeMs - samples[0]!.timeMs : 0;
    if (rs.average_cpu_percent > 0 && span >= this.windowMs / 2) {
      const average = samples.reduce((a, s) => a + s.value, 0) / samples.length;
      out.push(ceiling(resource, labels, 'average_cpu_percent', average, rs.average_cpu_percent / 100, () => `Average CPU ${fmt(average * 100)}% over the last ${windowSeconds} s exceeds the ${rs.average_cpu_percent}% limit`, { window_seconds: windowSeconds }));
    }
    return out;
  }
}
