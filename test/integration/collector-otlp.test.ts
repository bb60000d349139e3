// Issue 3's end-to-end check: two agents (two processes, different service names) push OTLP/HTTP to one
// `iora collector`; its /metrics shows both services' series labelled job/instance from their resources,
// and `promtool check metrics` accepts the exposition. Needs `npm run build` (it runs dist/ as users do).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repo, 'dist/src/cli/main.js');
const register = join(repo, 'dist/instrumentation/register.js');
const OTLP_PORT = 19610;
const PROMETHEUS_PORT = 19611;
const SERVICES = [
  { name: 'checkout', instance: 'checkout-1' },
  { name: 'inventory', instance: 'inventory-7' },
];

const children: ChildProcess[] = [];
let collector: ChildProcess;
let collectorLog = '';

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function scrape(): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${PROMETHEUS_PORT}/metrics`);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Polls /metrics until `ready` holds (bounded), returning the last exposition. */
async function scrapeUntil(ready: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await scrape()) ?? '';
    if (ready(text)) return text;
    if (collector.exitCode !== null) throw new Error(`collector exited (${collector.exitCode}):\n${collectorLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for /metrics; last exposition:\n${text}\ncollector log:\n${collectorLog}`);
}

function seriesOf(text: string, metric: string, job: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${metric}{`) && l.includes(`job="${job}"`));
}

beforeAll(async () => {
  for (const built of [cli, register]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before this test`);
  }
  collector = start([cli, 'collector', '--config', join(repo, 'test/integration/testdata/collector-otlp.yaml')], {
    IORA_TEST_OTLP_PORT: String(OTLP_PORT),
    IORA_TEST_PROMETHEUS_PORT: String(PROMETHEUS_PORT),
  });
  collector.stdout?.on('data', (c: Buffer) => (collectorLog += c.toString()));
  collector.stderr?.on('data', (c: Buffer) => (collectorLog += c.toString()));
  await scrapeUntil(() => true, 15_000);

  for (const service of SERVICES) {
    start(['--import', register, join(repo, 'test/integration/testdata/collector-app.mjs')], {
      OTEL_SERVICE_NAME: service.name,
      OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${service.instance},deployment.environment.name=test`,
      IORA_COLLECTOR_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}`,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      IORA_LOG_LEVEL: 'warn',
    });
  }
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
});

it('two agents push OTLP to one collector; /metrics has both, labelled job/instance, and passes promtool', async () => {
  const duration = 'http_server_request_duration_seconds_count';
  const text = await scrapeUntil((t) => SERVICES.every((s) => seriesOf(t, duration, s.name).length >= 2), 30_000);

  for (const service of SERVICES) {
    const series = seriesOf(text, duration, service.name);
    // One series per route/status: 200 on /orders, 404 on /missing, each from this service's instance only.
    expect(series.some((l) => l.includes('http_response_status_code="404"'))).toBe(true);
    for (const line of series) expect(line).toContain(`instance="${service.instance}"`);
    const info = text.split('\n').filter((l) => l.startsWith('target_info{') && l.includes(`job="${service.name}"`));
    expect(info).toHaveLength(1);
    expect(info[0]).toContain(`instance="${service.instance}"`);
    expect(info[0]).toContain('deployment_environment_name="test"');
  }
  // Every series of each service carries that service's own instance: nothing got mixed up between them.
  for (const service of SERVICES) {
    const lines = text.split('\n').filter((l) => l.includes(`job="${service.name}"`));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toContain(`instance="${service.instance}"`);
  }

  // The agents' own pushes to the collector are not their apps' outgoing requests.
  expect(text).not.toContain(`server_port="${OTLP_PORT}"`);

  const promtool = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  expect(promtool.trim()).toBe('');
});

it('the collector shuts down cleanly on SIGTERM', async () => {
  collector.kill('SIGTERM');
  expect(await exited(collector)).toBe(0);
});
