// Helpers for the agent's integration tests: spawn an app as a user would (node --import / --require with
// absolute paths to the built agent, since no `node_modules/iora` link exists in this repo) and receive what
// it exports over OTLP/HTTP JSON (collector mode), keeping the latest cumulative point of every series.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixture = (name: string): string => path.join(repoRoot, 'test/instrumentation/fixtures', name);
export const esmRegister = path.join(repoRoot, 'dist/instrumentation/register.js');
export const cjsRegister = path.join(repoRoot, 'dist/instrumentation/register.cjs');

export interface Point {
  attributes: Record<string, string | number | boolean>;
  /** Histogram count, or the sum/gauge value. */
  value: number;
  /** Histogram maximum, when the point is a histogram. */
  max?: number;
}

type OtlpValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
interface OtlpPoint {
  attributes?: { key: string; value: OtlpValue }[];
  count?: number | string;
  max?: number;
  asInt?: number | string;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpPoint[] };
  gauge?: { dataPoints: OtlpPoint[] };
  histogram?: { dataPoints: OtlpPoint[] };
  exponentialHistogram?: { dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeMetrics: { metrics: OtlpMetric[] }[] }[];
}

function plain(v: OtlpValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue ?? '';
}

function attributesOf(list: { key: string; value: OtlpValue }[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, plain(a.value)]));
}

/** An OTLP/HTTP JSON endpoint standing in for an iora collector. */
export class OtlpJsonSink {
  private readonly series = new Map<string, Map<string, Point>>();
  resource: Record<string, string | number | boolean> = {};
  exports = 0;
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.absorb(JSON.parse(body) as OtlpRequest);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private absorb(request: OtlpRequest): void {
    this.exports++;
    for (const rm of request.resourceMetrics) {
      this.resource = attributesOf(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          const data = m.exponentialHistogram ?? m.histogram ?? m.sum ?? m.gauge;
          let points = this.series.get(m.name);
          if (!points) this.series.set(m.name, (points = new Map()));
          for (const p of data?.dataPoints ?? []) {
            const attributes = attributesOf(p.attributes);
            const value = Number(p.count ?? p.asInt ?? p.asDouble ?? 0);
            const point: Point = p.max === undefined ? { attributes, value } : { attributes, value, max: p.max };
            points.set(JSON.stringify(Object.entries(attributes).sort()), point);
          }
        }
      }
    }
  }

  points(metric: string, match: Record<string, string | number | boolean> = {}): Point[] {
    return [...(this.series.get(metric)?.values() ?? [])].filter((p) =>
      Object.entries(match).every(([k, v]) => p.attributes[k] === v),
    );
  }

  /** Sum of the matching points' values (histogram counts, counter totals). */
  total(metric: string, match: Record<string, string | number | boolean> = {}): number {
    return this.points(metric, match).reduce((s, p) => s + p.value, 0);
  }

  /** Polls until `check` holds (exports arrive every OTEL_METRIC_EXPORT_INTERVAL); bounded. */
  async waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; have: ${[...this.series.keys()].join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already
  }
}

export interface RunningApp {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  get(path: string, init?: RequestInit): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** Spawns `node <preload flag> <register> <app>` and resolves once the app printed `listening <port>`. */
export function spawnApp(app: string, preload: 'import' | 'require' | 'none', env: Record<string, string>): Promise<RunningApp> {
  const args = preload === 'none' ? [app] : [`--${preload}`, preload === 'import' ? esmRegister : cjsRegister, app];
  return spawnCommand(process.execPath, args, env, repoRoot);
}

/** Spawns any command (e.g. `npm start` with NODE_OPTIONS) with a minimal environment; resolves once it listens. */
export async function spawnCommand(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<RunningApp> {
  const child = spawn(command, args, {
    cwd,
    // Each app learns into its own state file, never the repo's working directory or another test's.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', IORA_STATE_DB: path.join(mkdtempSync(path.join(tmpdir(), 'iora-app-state-')), 'state.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() also ends what it spawned (npm → sh → node)
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child); // never leave an app behind holding its ports
      reject(new Error(`app did not start: ${err}`));
    }, 20_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (?:on http:\/\/[^:]+:)?(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening: ${err}`));
    });
  });
  return {
    child,
    port,
    stdout: () => out,
    stderr: () => err,
    async get(p, init) {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, init);
      return { status: res.status, body: await res.text() };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        killGroup(child);
      }),
  };
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Scrapes an embedded agent's /metrics (Prometheus text) and sums samples by name and labels. */
export class MetricsScraper {
  text = '';
  private samples = new Map<string, Sample[]>();

  constructor(readonly url: string) {}

  async refresh(): Promise<void> {
    try {
      const res = await fetch(this.url);
      this.text = await res.text();
    } catch {
      return; // not listening yet
    }
    const samples = new Map<string, Sample[]>();
    for (const line of this.text.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!m?.[1] || m[3] === undefined) continue;
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
      let list = samples.get(m[1]);
      if (!list) samples.set(m[1], (list = []));
      list.push({ labels, value: Number(m[3]) });
    }
    this.samples = samples;
  }

  points(name: string, match: Record<string, string> = {}): Sample[] {
    return (this.samples.get(name) ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
  }

  total(name: string, match: Record<string, string> = {}): number {
    return this.points(name, match).reduce((s, p) => s + p.value, 0);
  }

  /** Scrapes until `check` holds; bounded. */
  async waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.refresh();
      if (check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; /metrics has ${this.samples.size} series names`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** Runs `promtool check metrics` on a /metrics text; resolves to its exit code and findings. */
export function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(text);
  });
}
