// docker-compose.yml without a Docker engine: valid against the compose specification's JSON schema
// (the copy shipped in dclint, compiled with ajv), lint-clean, pinned, healthy, and consistent with the
// files it mounts — every path exists, and every port and address agrees with deploy/prometheus.yml,
// deploy/collector.yaml, pipelines/*.yaml and the Grafana provisioning.

import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadDatasources } from '../grafana/dashboards.js';
import { deployDir, repoRoot, until } from './tools.js';

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, unknown>;
}

interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { environment?: string; file?: string }>;
}

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as Compose;
const services = compose.services;

function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8')) as T;
}

/** `${env:VAR}` and `${env:VAR:-default}` as the pipeline loader resolves them in `env`. */
function withEnv(text: string, env: Readonly<Record<string, string>> = {}): string {
  return text.replace(/\$\{env:(\w+)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => env[name] ?? fallback ?? '');
}

function hostPort(address: string): { host: string; port: number } {
  const m = /^(?:\w+:\/\/)?([^:/]*):(\d+)/.exec(address);
  if (!m) throw new Error(`no host:port in "${address}"`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Bind mounts of a service: container path → repository path. */
function bindMounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [source, target] = v.split(':') as [string, string];
      return { source: join(repoRoot, source), target };
    });
}

/** The repository file a container path of a service comes from, through its bind mounts. */
function hostPathOf(serviceName: string, containerPath: string): string {
  for (const { source, target } of bindMounts(services[serviceName]!)) {
    const rel = posix.relative(target, containerPath);
    if (!rel.startsWith('..')) return join(source, rel);
  }
  throw new Error(`${serviceName}: ${containerPath} is not in any bind mount`);
}

function flag(service: Service, name: string): string {
  const arg = service.command?.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) throw new Error(`no --${name} in the command`);
  return arg.slice(name.length + 3);
}

function listenPort(service: Service): number {
  return hostPort(`x${flag(service, 'web.listen-address')}`).port;
}

const collectorConfigPath = hostPathOf('collector', services.collector!.command!.at(-1)!);
const collectorPipeline = parse(withEnv(readFileSync(collectorConfigPath, 'utf8'), services.collector!.environment)) as {
  receivers: { otlp: { endpoint: string } };
  processors: { baseline?: { store?: string } };
  exporters: { prometheus: { endpoint: string }; alertmanager: { url: string } };
};

/** What each service listens on inside the compose network. */
const listening: Record<string, number[]> = {
  app: [Number(services.app!.environment!.PORT)],
  collector: [hostPort(collectorPipeline.receivers.otlp.endpoint).port, hostPort(collectorPipeline.exporters.prometheus.endpoint).port],
  prometheus: [listenPort(services.prometheus!)],
  alertmanager: [listenPort(services.alertmanager!)],
  // The images' default ports.
  grafana: [3000],
  postgres: [5432],
  redis: [6379],
};

function expectReachable(address: string, what: string): void {
  const { host, port } = hostPort(address);
  expect(Object.keys(listening), `${what}: no service "${host}"`).toContain(host);
  expect(listening[host], `${what}: ${host} does not listen on ${port}`).toContain(port);
}

describe('docker-compose.yml', () => {
  it('is valid against the compose specification schema', () => {
    const require = createRequire(import.meta.url);
    const schemaPath = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // The schema names draft-07 by an https URL ajv does not alias; ajv's default dialect is draft-07.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...compose, services: { ...services, redis: { ...services.redis, helthcheck: {} } } })).toBe(false);
  });

  it('has no dclint errors', async () => {
    const bin = join(repoRoot, 'node_modules', '.bin', 'dclint');
    const { stdout } = await promisify(execFile)(bin, ['--quiet', '--color=false', 'docker-compose.yml'], { cwd: repoRoot });
    expect(stdout).not.toMatch(/\berror\b/);
  });

  it('runs the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['alertmanager', 'app', 'collector', 'grafana', 'load', 'postgres', 'prometheus', 'redis'],
    );
    expect(services.app!.command).toEqual(expect.arrayContaining(['--import', './dist/instrumentation/register.js']));
  });

  it('pins every image, the Dockerfile base included', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build !== undefined) continue;
      expect(s.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*$/);
    }
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    for (const from of dockerfile.matchAll(/^FROM\s+(\S+)/gm)) expect(from[1]).toMatch(/:\d+\.\d+\.\d+/);
  });

  it('gives every service a healthcheck, and starts dependants only once their dependencies are healthy', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(0);
      for (const [dep, how] of Object.entries(s.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        expect(how, `${name} → ${dep}`).toEqual({ condition: 'service_healthy' });
      }
    }
  });

  it('keeps state in declared named volumes', () => {
    const named = Object.values(services).flatMap((s) =>
      (s.volumes ?? []).filter((v) => !v.startsWith('.') && !v.startsWith('/')).map((v) => v.split(':') as [string, string]),
    );
    expect(named.map(([n]) => n).sort()).toEqual(Object.keys(compose.volumes).sort());
    const stateDirs: [string, string][] = [
      ['postgres', '/var/lib/postgresql/data'],
      ['prometheus', flag(services.prometheus!, 'storage.tsdb.path')],
      ['alertmanager', flag(services.alertmanager!, 'storage.path')],
      ['grafana', '/var/lib/grafana'],
      ['collector', posix.dirname(collectorPipeline.processors.baseline!.store!)],
    ];
    for (const [name, dir] of stateDirs) {
      const volumes = (services[name]!.volumes ?? []).filter((v) => !v.startsWith('.')).map((v) => v.split(':')[1]);
      expect(volumes, `${name} keeps ${dir} on a named volume`).toContain(dir);
    }
  });

  it('publishes only the three UIs, on loopback', () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`));
    expect(published.sort()).toEqual([
      'alertmanager 127.0.0.1:9093:9093',
      'grafana 127.0.0.1:3000:3000',
      'prometheus 127.0.0.1:9090:9090',
    ]);
    for (const p of published) {
      const [name, spec] = p.split(' ') as [string, string];
      expect(listening[name], p).toContain(Number(spec.split(':').at(-1)));
    }
  });

  it('mounts and builds only paths that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const { source } of bindMounts(s)) expect(existsSync(source), `${name}: ${relative(repoRoot, source)}`).toBe(true);
      if (s.build !== undefined) {
        const context = typeof s.build === 'string' ? s.build : s.build.context;
        const dockerfile = typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
        expect(statSync(join(repoRoot, context, dockerfile)).isFile(), `${name} build`).toBe(true);
      }
    }
    // Files the containers are told to read, through those mounts or from the image (built from the repo).
    expect(existsSync(hostPathOf('prometheus', flag(services.prometheus!, 'config.file')))).toBe(true);
    expect(existsSync(hostPathOf('alertmanager', flag(services.alertmanager!, 'config.file')))).toBe(true);
    expect(existsSync(collectorConfigPath)).toBe(true);
    const grafanaEnv = services.grafana!.environment!;
    expect(existsSync(hostPathOf('grafana', grafanaEnv.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!))).toBe(true);
    const appScript = services.app!.command!.at(-1)!;
    expect(existsSync(join(repoRoot, appScript)), `app script ${appScript}`).toBe(true);
  });

  it('points every address at a service listening on that port', () => {
    const prometheus = readYaml<{
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    }>(join(deployDir, 'prometheus.yml'));
    for (const job of prometheus.scrape_configs) {
      for (const target of (job.static_configs ?? []).flatMap((c) => c.targets)) {
        if (target.startsWith('localhost:')) expect(hostPort(target).port, job.job_name).toBe(listening.prometheus![0]);
        else expectReachable(target, `prometheus.yml job ${job.job_name}`);
      }
    }
    for (const target of prometheus.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets))) {
      expectReachable(target, 'prometheus.yml alerting');
    }
    expectReachable(collectorPipeline.exporters.alertmanager.url, 'collector alertmanager exporter');
    expectReachable(services.app!.environment!.IORA_COLLECTOR_ENDPOINT!, 'app IORA_COLLECTOR_ENDPOINT');
    expectReachable(services.app!.environment!.DATABASE_URL!.replace(/\/\/[^@]*@/, '//'), 'app DATABASE_URL');
    expectReachable(services.app!.environment!.REDIS_URL!, 'app REDIS_URL');
    expectReachable(services.load!.environment!.TARGET_URL!, 'load TARGET_URL');
    for (const ds of loadDatasources()) expectReachable(ds.url, `grafana datasource ${ds.name}`);
    for (const [name, s] of Object.entries(services)) {
      const url = s.healthcheck!.test.join(' ').match(/http:\/\/[\w.]+:\d+/)?.[0];
      if (url !== undefined) expectReachable(url.replace('127.0.0.1', name), `${name} healthcheck`);
    }
  });

  it("sends the load and the healthchecks to routes the example app serves", () => {
    const appSource = readFileSync(join(repoRoot, services.app!.command!.at(-1)!), 'utf8');
    const routes = [...appSource.matchAll(/app\.(get|post|put|delete)\('([^']+)'/g)].map((m) => ({
      method: m[1]!.toUpperCase(),
      path: new RegExp(`^${m[2]!.replace(/:\w+/g, '[^/]+')}$`),
    }));
    const served = (method: string, url: string) =>
      routes.some((r) => r.method === method && r.path.test(new URL(url, 'http://app').pathname));
    const requests = services.load!.environment!.REQUESTS!.split(',').map((r) => r.trim().split(/\s+/) as [string, string]);
    expect(requests.length).toBeGreaterThan(3);
    for (const [method, path] of requests) expect(served(method, path), `${method} ${path}`).toBe(true);
    for (const name of ['app', 'load']) {
      const url = services[name]!.healthcheck!.test.join(' ').match(/http:\/\/[\w.]+:\d+(\/\S*?)'/)?.[1];
      expect(url !== undefined && served('GET', url), `${name} healthcheck ${url}`).toBe(true);
    }
  });

  it('listens on every interface inside the containers, on the standard ports of pipelines/collector.yaml', () => {
    expect(hostPort(collectorPipeline.receivers.otlp.endpoint).host).toBe('0.0.0.0');
    expect(hostPort(collectorPipeline.exporters.prometheus.endpoint).host).toBe('0.0.0.0');
    const standard = parse(withEnv(readFileSync(join(repoRoot, 'pipelines', 'collector.yaml'), 'utf8'))) as typeof collectorPipeline;
    expect(hostPort(collectorPipeline.receivers.otlp.endpoint).port).toBe(hostPort(standard.receivers.otlp.endpoint).port);
    expect(hostPort(collectorPipeline.exporters.prometheus.endpoint).port).toBe(hostPort(standard.exporters.prometheus.endpoint).port);
    // Embedded agents (deploy/targets) serve the default pipeline's /metrics port.
    const embedded = parse(withEnv(readFileSync(join(repoRoot, 'pipelines', 'default.yaml'), 'utf8'))) as typeof collectorPipeline;
    expect(hostPort(embedded.exporters.prometheus.endpoint).port).toBe(9464);
  });

  it('wires Grafana to its provisioning and Alertmanager to the Slack secret', () => {
    const provider = readYaml<{ providers: { options: { path: string } }[] }>(
      join(repoRoot, 'grafana', 'provisioning', 'dashboards', 'iora.yml'),
    );
    expect(hostPathOf('grafana', provider.providers[0]!.options.path)).toBe(join(repoRoot, 'grafana', 'dashboards'));
    expect(hostPathOf('grafana', '/etc/grafana/provisioning')).toBe(join(repoRoot, 'grafana', 'provisioning'));
    // $__rate_interval is derived from the datasource's interval: it must be Prometheus's scrape interval.
    const prometheusDs = loadDatasources().find((d) => d.type === 'prometheus') as { jsonData?: { timeInterval?: string } } | undefined;
    const scrape = readYaml<{ global: { scrape_interval: string } }>(join(deployDir, 'prometheus.yml')).global.scrape_interval;
    expect(prometheusDs?.jsonData?.timeInterval).toBe(scrape);
    const alertmanager = readYaml<{ global: { slack_api_url_file: string } }>(join(deployDir, 'alertmanager.yml'));
    const [secret] = services.alertmanager!.secrets!;
    expect(alertmanager.global.slack_api_url_file).toBe(`/run/secrets/${secret}`);
    expect(compose.secrets[secret!]).toEqual({ environment: 'SLACK_WEBHOOK_URL' });
  });
});

describe('deploy/load-generator.mjs', () => {
  it('cycles through the configured requests against the target', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const load = spawn(process.execPath, [join(deployDir, 'load-generator.mjs')], {
      env: { ...process.env, TARGET_URL: `http://127.0.0.1:${port}`, RATE: '100', REQUESTS: 'GET /users/1, POST /bulk/orders' },
      stdio: 'ignore',
    });
    try {
      await until('six requests', () => (seen.length >= 6 ? true : undefined), 10_000);
      expect(seen.slice(0, 4)).toEqual(['GET /users/1', 'POST /bulk/orders', 'GET /users/1', 'POST /bulk/orders']);
    } finally {
      load.kill();
      server.close();
    }
  });
});

describe('deploy/collector.yaml', () => {
  it("runs pipelines/iora.yaml's processors, word for word (plus the Grafana link in alerts)", () => {
    type Pipeline = { processors: Record<string, Record<string, unknown>>; service: { pipelines: { metrics: { processors: string[] } } } };
    const deployed = parse(readFileSync(collectorConfigPath, 'utf8')) as Pipeline;
    const profile = parse(readFileSync(join(repoRoot, 'pipelines', 'iora.yaml'), 'utf8')) as Pipeline;
    const { grafana_url: grafanaUrl, ...alert } = deployed.processors.alert!;
    expect(grafanaUrl).toMatch(/^\$\{env:GRAFANA_URL:-http/);
    expect({ ...deployed.processors, alert }).toEqual(profile.processors);
    expect(deployed.service.pipelines.metrics.processors).toEqual(profile.service.pipelines.metrics.processors);
  });

  const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  it('is a valid iora pipeline (iora check-config)', async () => {
    expect(existsSync(cli), 'run `npm run build` first').toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'check-config', collectorConfigPath], { cwd: repoRoot });
    expect(stdout).toContain('valid');
  });
});
