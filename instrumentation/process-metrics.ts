// Process resources, read when metrics are collected (observable instruments; nothing runs between
// collections except the event-loop delay histogram and the GC observer, both built into Node):
// CPU (pidusage), RSS and virtual memory, V8 heap by space, event-loop delay and utilization, GC time,
// per-process I/O from /proc/self/io, IOPS of the disk holding the data directory (/proc/diskstats) and
// that filesystem's usage. Sources missing on this platform (no /proc) are skipped, never fatal.

import { readFileSync, statSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Meter, ObservableResult } from '@opentelemetry/api';
import pidusage from 'pidusage';

export interface ProcessMetricsOptions {
  /** Directory whose disk (IOPS) and filesystem (usage) are watched: IORA_DATA_DIR. */
  dataDir: string;
  onError(source: string, err: unknown): void;
}

/** Fields of /proc/self/io, as named there. */
export function parseProcIo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.split(':');
    if (key && value) out[key.trim()] = Number(value.trim());
  }
  return out;
}

/** Reads and writes completed by the block device `major:minor`, from /proc/diskstats. */
export function parseDiskstats(text: string, major: number, minor: number): { name: string; reads: number; writes: number } | undefined {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (Number(f[0]) === major && Number(f[1]) === minor && f[2] !== undefined) {
      return { name: f[2], reads: Number(f[3]), writes: Number(f[7]) };
    }
  }
  return undefined;
}

function vmSizeBytes(): number | undefined {
  const m = /^VmSize:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m?.[1] ? Number(m[1]) * 1024 : undefined;
}

export class ProcessMetrics {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly gcObserver: PerformanceObserver;
  private readonly failed = new Set<string>();
  private readonly device: { major: number; minor: number } | undefined;

  constructor(meter: Meter, private readonly options: ProcessMetricsOptions) {
    this.loopDelay.enable();
    this.device = this.dataDirDevice();
    const gcDuration = meter.createHistogram('v8js.gc.duration', { description: 'Garbage collection pauses', unit: 's' });
    const gcAttrs = new Map<number, { 'v8js.gc.type': string }>();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
        let attrs = gcAttrs.get(kind);
        if (!attrs) gcAttrs.set(kind, (attrs = { 'v8js.gc.type': gcTypeName(kind) }));
        gcDuration.record(entry.duration / 1000, attrs);
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });

    meter.createObservableGauge('process.cpu.utilization', {
      description: 'CPU time used by the process over the last interval, as a fraction of all CPUs (0–1)',
      unit: '1',
    }).addCallback((r) => this.guarded('cpu', async () => {
      const stat = await pidusage(process.pid);
      r.observe(stat.cpu / 100 / Math.max(1, os.availableParallelism()));
    }));
    meter.createObservableGauge('process.memory.usage', { description: 'Resident set size', unit: 'By' })
      .addCallback((r) => this.guarded('rss', () => r.observe(process.memoryUsage.rss())));
    meter.createObservableGauge('process.memory.virtual', { description: 'Virtual memory size (VmSize)', unit: 'By' })
      .addCallback((r) => this.guarded('vmsize', () => {
        const v = vmSizeBytes();
        if (v !== undefined) r.observe(v);
      }));
    meter.createObservableGauge('v8js.memory.heap.used', { description: 'V8 heap used, by space', unit: 'By' })
      .addCallback((r) => this.guarded('heap', () => {
        for (const s of v8.getHeapSpaceStatistics()) r.observe(s.space_used_size, { 'v8js.heap.space.name': s.space_name });
      }));
    meter.createObservableGauge('v8js.memory.heap.limit', { description: 'V8 heap size limit', unit: 'By' })
      .addCallback((r) => this.guarded('heap', () => r.observe(v8.getHeapStatistics().heap_size_limit)));
    this.eventLoopGauges(meter);
    this.ioCounters(meter);
    this.diskCounters(meter);
  }

  private eventLoopGauges(meter: Meter): void {
    const stats = {
      min: () => this.loopDelay.min,
      max: () => this.loopDelay.max,
      mean: () => this.loopDelay.mean,
      p50: () => this.loopDelay.percentile(50),
      p90: () => this.loopDelay.percentile(90),
      p99: () => this.loopDelay.percentile(99),
    };
    const gauges = Object.entries(stats).map(([stat, read]) => ({
      gauge: meter.createObservableGauge(`nodejs.eventloop.delay.${stat}`, {
        description: `Event loop delay ${stat} since the previous collection`,
        unit: 's',
      }),
      read,
    }));
    // One batch callback reads all statistics, then resets the histogram so each collection covers its interval.
    meter.addBatchObservableCallback((r) => this.guarded('eventloop', () => {
      if (this.loopDelay.count > 0) for (const { gauge, read } of gauges) r.observe(gauge, read() / 1e9);
      this.loopDelay.reset();
    }), gauges.map((g) => g.gauge));
    meter.createObservableGauge('nodejs.eventloop.utilization', {
      description: 'Fraction of time the event loop was busy since the previous collection',
      unit: '1',
    }).addCallback((r) => this.guarded('eventloop', () => {
      const now = performance.eventLoopUtilization();
      r.observe(performance.eventLoopUtilization(now, this.lastElu).utilization);
      this.lastElu = now;
    }));
  }

  private ioCounters(meter: Meter): void {
    const read = { 'disk.io.direction': 'read' };
    const write = { 'disk.io.direction': 'write' };
    // syscr/syscw count read()- and write()-family system calls on any descriptor (files, sockets, pipes),
    // not disk requests; read_bytes/write_bytes are the bytes that really reached the storage layer.
    meter.createObservableCounter('process.disk.operations', {
      description: 'Read/write system calls of the process (/proc/self/io syscr, syscw; includes sockets and pipes)',
      unit: '{operation}',
    }).addCallback((r) => this.guarded('proc-io', () => {
      const io = parseProcIo(readFileSync('/proc/self/io', 'utf8'));
      if (io.syscr !== undefined) r.observe(io.syscr, read);
      if (io.syscw !== undefined) r.observe(io.syscw, write);
    }));
    meter.createObservableCounter('process.disk.io', {
      description: 'Bytes the process read from / wrote to storage (/proc/self/io read_bytes, write_bytes)',
      unit: 'By',
    }).addCallback((r) => this.guarded('proc-io', () => {
      const io = parseProcIo(readFileSync('/proc/self/io', 'utf8'));
      if (io.read_bytes !== undefined) r.observe(io.read_bytes, read);
      if (io.write_bytes !== undefined) r.observe(io.write_bytes, write);
    }));
  }

  private diskCounters(meter: Meter): void {
    const dir = this.options.dataDir;
    meter.createObservableCounter('system.disk.operations', {
      description: 'Reads/writes completed by the disk holding IORA_DATA_DIR (/proc/diskstats)',
      unit: '{operation}',
    }).addCallback((r) => this.guarded('diskstats', () => {
      if (!this.device) return;
      const d = parseDiskstats(readFileSync('/proc/diskstats', 'utf8'), this.device.major, this.device.minor);
      if (!d) return;
      r.observe(d.reads, { 'system.device': d.name, 'disk.io.direction': 'read' });
      r.observe(d.writes, { 'system.device': d.name, 'disk.io.direction': 'write' });
    }));
    meter.createObservableUpDownCounter('system.filesystem.usage', {
      description: 'Usage of the filesystem holding IORA_DATA_DIR',
      unit: 'By',
    }).addCallback((r) => this.guarded('statfs', () => this.observeFilesystem(r, dir)));
  }

  private observeFilesystem(r: ObservableResult, dir: string): void {
    const s = statfsSync(dir);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    r.observe(total - free, { 'system.filesystem.state': 'used', 'iora.data_dir': dir });
    r.observe(free, { 'system.filesystem.state': 'free', 'iora.data_dir': dir });
  }

  private dataDirDevice(): { major: number; minor: number } | undefined {
    try {
      const dev = statSync(this.options.dataDir).dev;
      // Linux encodes major/minor in dev_t as glibc does.
      return { major: (dev >>> 8) & 0xfff, minor: (dev & 0xff) | ((dev >> 12) & 0xfff00) };
    } catch (err) {
      this.options.onError('data-dir', err);
      return undefined;
    }
  }

  /** A failing source is logged once and skipped; the other metrics still report. */
  private guarded(source: string, read: () => void | Promise<void>): void | Promise<void> {
    const fail = (err: unknown): void => {
      if (!this.failed.has(source)) {
        this.failed.add(source);
        this.options.onError(source, err);
      }
    };
    try {
      const result = read();
      if (result) return result.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  shutdown(): void {
    this.loopDelay.disable();
    this.gcObserver.disconnect();
    pidusage.clear();
  }
}

function gcTypeName(kind: number): string {
  switch (kind) {
    case 1: return 'minor';
    case 2: return 'major';
    case 4: return 'incremental';
    case 8: return 'weakcb';
    default: return 'other';
  }
}
