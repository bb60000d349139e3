// Every query of every provisioned dashboard, run through a real Prometheus (Debian package) that scraped
// a real app under the agent (the I.O.R.A. profile, windows shortened) while load ran. A query returns data, or the metrics it reads do not exist
// in this run (derived series of processors the pipeline lacks or targets it does not judge, alerts that
// did not fire): a query that returns nothing although its metrics exist is a dashboard bug (wrong label,
// wrong name, wrong quantile). The report printed at the end lists every panel query and what it returned.

import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { expandQuery, loadDashboards, panelsOf, variableQuery } from '../grafana/dashboards.js';
import { PrometheusServer } from '../grafana/prometheus-server.js';
import { deployDir, repoRoot, until } from '../deploy/tools.js';

const APP_PORT = 20130;
const METRICS_PORT = 20131;
const PROMETHEUS_PORT = 20132;
const SERVICE = 't-stack-dashboards';
const APP_SCRIPT = join(repoRoot, 'examples', 'demo-app.mjs');
/** Requests of every operation class the dashboards show: cache misses then hits, joins, bulk inserts. */
const REQUESTS: { method: string; path: string }[] = [
  { method: 'GET', path: '/users/1' },
  { method: 'GET', path: '/users/2' },
  { method: 'GET', path: '/products/1' },
  { method: 'GET', path: '/analysis/revenue' },
  { method: 'GET', path: '/analysis/top-customers' },
  { method: 'POST', path: '/bulk/orders?count=50' },
];
/** Load runs at least this long (several 1 s scrapes inside every rate window) … */
const MIN_LOAD_MS = 12_000;
/** … and until the profile's findings exist, at most this long. */
const MAX_LOAD_MS = 60_000;
/** Series the I.O.R.A. profile publishes once baselines formed (readiness, targets, verdicts, growth). */
const FINDINGS_FORMED = [
  `iora_baseline_ready{job="${SERVICE}"} == 1`,
  `iora_target_threshold{job="${SERVICE}", metric="http_server_request_duration_seconds", target="p95"}`,
  // Rates and ratios are judged once validate's window of counters is complete.
  `iora_target_threshold{job="${SERVICE}", target="cache_hit_ratio"}`,
  `iora_target_threshold{job="${SERVICE}", metric="system_disk_operations_total"}`,
  `iora_regression_severity{job="${SERVICE}"}`,
  `iora_memory_growth_bytes_per_hour{job="${SERVICE}"}`,
];
/** Metrics the agent always produces under this load: without them the check below would prove nothing. */
const ALWAYS_PRODUCED = [
  'target_info',
  'http_server_request_duration_seconds_bucket',
  'db_client_operation_duration_seconds_bucket',
  'process_cpu_utilization_ratio',
  'process_memory_usage_bytes',
  'nodejs_eventloop_delay_p99_seconds',
  'v8js_memory_heap_used_bytes',
];

const registerJs = join(repoRoot, 'dist', 'instrumentation', 'register.js');
const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/**
 * The I.O.R.A. profile (every processor, every target) with short windows so baselines and growth rates
 * form within the test, learning in memory, and /metrics on the test's port.
 */
function writePipelineConfig(dir: string): string {
  const config = parse(readFileSync(join(repoRoot, 'pipelines', 'iora.yaml'), 'utf8')) as {
    processors: Record<string, Record<string, unknown> | null>;
    exporters: Record<string, Record<string, unknown> | null>;
    service: { pipelines: Record<string, { exporters: string[] }> };
  };
  config.exporters = { prometheus: { ...config.exporters.prometheus, endpoint: `127.0.0.1:${METRICS_PORT}` } };
  for (const pipeline of Object.values(config.service.pipelines)) pipeline.exporters = ['prometheus'];
  const shorten: Record<string, Record<string, unknown>> = {
    baseline: { window: '5s', bucket: '5s', period: '30s', min_samples: 20, min_coverage: 0.2, store: '' },
    validate: { window: '10s' },
    leak: { window: '20s', min_span: '5s', min_samples: 5 },
  };
  for (const [id, overrides] of Object.entries(shorten)) {
    if (config.processors[id] !== undefined) config.processors[id] = { ...config.processors[id], ...overrides };
  }
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, stringify(config));
  execFileSync(process.execPath, [cli, 'check-config', file], { stdio: 'pipe' });
  return file;
}

/** deploy/prometheus.yml's agents job (honor_labels and all) pointed at the app, scraping every second. */
function prometheusConfig(): object {
  const deployed = parse(readFileSync(join(deployDir, 'prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; file_sd_configs?: unknown }[];
  };
  const agents = deployed.scrape_configs.find((c) => c.job_name === 'iora-agents')!;
  delete agents.file_sd_configs;
  return {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: deployed.rule_files.map((f) => join(deployDir, f)),
    scrape_configs: [{ ...agents, static_configs: [{ targets: [`127.0.0.1:${METRICS_PORT}`] }] }],
  };
}

function startLoad(): { stop: () => Promise<void> } {
  let running = true;
  const worker = async (offset: number) => {
    for (let i = offset; running; i++) {
      const { method, path } = REQUESTS[i % REQUESTS.length]!;
      await fetch(`http://127.0.0.1:${APP_PORT}${path}`, { method }).then((r) => r.arrayBuffer(), () => undefined);
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

interface QueryOutcome {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  series: number;
  /** Series families the query reads that this run did not produce. */
  missing: string[];
  /** Why an empty result is right although the metrics exist. */
  emptyBecause?: string;
}

/** Queries listing firing alerts are rightly empty while no alert of their kind fires. */
const FIRING_ALERTS = [
  { reads: /\bALERTS\{alertstate="firing"/, probe: 'ALERTS{alertstate="firing"}', kind: 'no Prometheus alert firing' },
  { reads: /\biora_alerts_firing\b/, probe: 'iora_alerts_firing > 0', kind: 'no iora alert firing' },
];

/**
 * The series families a query reads: each selector's metric name with its `metric` and `target` matchers,
 * which say which derived family it means (`iora_target_threshold{metric="process_memory_usage_bytes"}`).
 * Its other matchers (job, route, quantile …) must match whenever the family exists.
 */
function familiesOf(expr: string): string[] {
  const families = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((m) => {
    const identity = [...m[2]!.matchAll(/\b(metric|target)\s*(=~?)\s*"[^"]*"/g)].map((i) => i[0]);
    return `${m[1]!}{${identity.join(', ')}}`;
  });
  return [...new Set(families)];
}

describe('dashboards against a real Prometheus scraping a real app under the agent', () => {
  let dir: string;
  let app: ChildProcess | undefined;
  let prometheus: PrometheusServer | undefined;
  let appLog = '';
  const outcomes: QueryOutcome[] = [];
  const variableValues = new Map<string, string[]>();

  beforeAll(async () => {
    expect(existsSync(registerJs), 'run `npm run build` first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 't-stack-dashboards-'));
    const pipeline = writePipelineConfig(dir);
    app = spawn(process.execPath, ['--import', registerJs, APP_SCRIPT], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(APP_PORT),
        IORA_CONFIG: pipeline,
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        IORA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (c: Buffer) => (appLog += c.toString()));
    app.stderr?.on('data', (c: Buffer) => (appLog += c.toString()));
    await until(
      'the app and its /metrics',
      async () => (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).then((r) => r.ok, () => false)) || undefined,
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${appLog}`);
    });
    prometheus = await PrometheusServer.start({ dir: join(dir, 'prometheus'), port: PROMETHEUS_PORT, config: prometheusConfig() });
    const load = startLoad();
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      if (Date.now() - started < MIN_LOAD_MS) continue;
      const pending: string[] = [];
      for (const q of FINDINGS_FORMED) if ((await prometheus.query(q)).length === 0) pending.push(q);
      if (pending.length === 0) break;
      if (Date.now() - started > MAX_LOAD_MS) {
        console.log(`dashboards test: still missing after ${MAX_LOAD_MS / 1000} s: ${pending.join('; ')}`);
        break;
      }
    }
    await load.stop();
    console.log(`dashboards test: ${Math.round((Date.now() - started) / 1000)} s of load`);

    for (const { file, dashboard } of loadDashboards()) {
      // Variables resolve in order, each query seeing the values chosen before it, as Grafana does.
      const values: Record<string, string> = {};
      for (const v of dashboard.templating.list) {
        const query = expandQuery(variableQuery(v), values);
        const m = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query);
        const options = m ? await prometheus.labelValues(m[2]!, m[1]) : [];
        variableValues.set(`${file} $${v.name}`, options);
        // Like Grafana: "All" where offered, else the saved choice while it is among the options.
        const saved = v.current?.value;
        const chosen = typeof saved === 'string' && options.includes(saved) ? saved : (options[0] ?? '');
        values[v.name] = v.name === 'service' ? SERVICE : v.includeAll ? (v.allValue ?? '.*') : chosen;
      }
      const silent = new Map<RegExp, string>();
      for (const f of FIRING_ALERTS) if ((await prometheus.query(f.probe)).length === 0) silent.set(f.reads, f.kind);
      for (const panel of panelsOf(dashboard)) {
        for (const target of panel.targets ?? []) {
          const expr = expandQuery(target.expr, values);
          const series = (await prometheus.query(expr)).length;
          const missing: string[] = [];
          for (const family of familiesOf(expr)) {
            if ((await prometheus.query(`count(${family})`)).length === 0) missing.push(family);
          }
          const emptyBecause = [...silent].find(([reads]) => reads.test(expr))?.[1];
          outcomes.push({ dashboard: file, panel: panel.title, refId: target.refId, expr, series, missing, emptyBecause });
        }
      }
    }
    const width = Math.max(...outcomes.map((o) => o.panel.length));
    console.log(
      outcomes
        .map((o) => {
          const status =
            o.series > 0
              ? `${o.series} series`
              : o.missing.length > 0
                ? `no source: ${o.missing.join(', ')}`
                : (o.emptyBecause ?? 'EMPTY although its metrics exist');
          return `${o.dashboard.padEnd(27)} ${o.panel.padEnd(width)} ${o.refId}  ${status}`;
        })
        .join('\n'),
    );
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    app?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scraped what the agent always produces, under the job and instance the dashboards filter on', async () => {
    const present = await prometheus!.labelValues('__name__', `{job="${SERVICE}"}`);
    expect(ALWAYS_PRODUCED.filter((m) => !present.includes(m))).toEqual([]);
  });

  it('offers the service, instance and route of the app in the variables', () => {
    expect(variableValues.get('overview.json $service')).toContain(SERVICE);
    expect(variableValues.get('overview.json $instance')?.length).toBeGreaterThan(0);
    expect(variableValues.get('overview.json $route')).toEqual(expect.arrayContaining(['/users/:id', '/analysis/revenue', '/bulk/orders']));
    expect(variableValues.get('resources.json $service')).toContain(SERVICE);
  });

  it('gets data from every panel query whose metrics exist', () => {
    expect(outcomes.length).toBeGreaterThan(40);
    const broken = outcomes.filter((o) => o.series === 0 && o.missing.length === 0 && o.emptyBecause === undefined);
    expect(broken.map((o) => `${o.dashboard} / ${o.panel} / ${o.refId}: ${o.expr}`)).toEqual([]);
  });

  it('gets data from the raw series of every panel group and from the derived series of the profile', () => {
    const withData = new Set(outcomes.filter((o) => o.series > 0).map((o) => `${o.dashboard} / ${o.panel} / ${o.refId}`));
    for (const query of [
      'overview.json / Request rate by route / A',
      'overview.json / Error ratio / A',
      'overview.json / Error ratio / B',
      'overview.json / Latency p95 by operation class vs baseline and target / A',
      'overview.json / Latency p95 by operation class vs baseline and target / B',
      'overview.json / Latency p95 by operation class vs baseline and target / C',
      'overview.json / Latency p95 by operation class vs baseline and target / F',
      'overview.json / Regression severity by series / A',
      'database.json / Operation latency p95 by query class and system / A',
      'database.json / Bulk insert time per 1000 rows / A',
      'database.json / Pool wait p95 (connection acquisition) / A',
      'database.json / Cache hit ratio against its 85% floor / A',
      'database.json / Cache hit ratio against its 85% floor / B',
      'resources.json / CPU average and peak (5m) / A',
      'resources.json / RSS and virtual memory against limits / A',
      'resources.json / RSS and virtual memory against limits / C',
      'resources.json / Memory growth rate / A',
      'resources.json / Event loop delay / B',
      'baselines-regressions.json / Window quantile vs baseline and its confidence bounds / B',
      'baselines-regressions.json / Targets and thresholds / A',
    ]) {
      expect(withData, query).toContain(query);
    }
  });
});
