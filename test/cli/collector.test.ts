// Spawns the built CLI (`npm run build` first; `npm test` does).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'iora-cli-'));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function iora(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
}

function collectorConfig(otlpPort: number, promPort: number): string {
  const file = join(dir, `collector-${otlpPort}.yaml`);
  writeFileSync(
    file,
    [
      'receivers: { otlp: { endpoint: "127.0.0.1:' + otlpPort + '" } }',
      'exporters: { prometheus: { endpoint: "127.0.0.1:' + promPort + '" } }',
      'service:',
      '  telemetry: { metrics: { interval: 200ms } }',
      '  pipelines: { metrics: { receivers: [otlp], exporters: [prometheus] } }',
    ].join('\n'),
  );
  return file;
}

/** Starts the collector and resolves once it logged that it started. */
function startCollector(file: string): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'collector', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start: ${err}`)), 15_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('pipeline service started')) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited ${code}: ${err}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe('iora check-config', () => {
  it('prints valid for the shipped pipelines', () => {
    for (const file of ['pipelines/default.yaml', 'pipelines/collector.yaml']) {
      const r = iora(['check-config', join(ROOT, file)]);
      expect(r.stdout).toBe('valid\n');
      expect(r.status).toBe(0);
    }
  });

  it('prints every problem with path and line and exits 1', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      ['receivers:', '  otlp: { endpoint: nowhere }', 'exporters:', '  prometheus: { staleness: soon, colour: red }', 'service:', '  pipelines:', '    metrics: { receivers: [otlp], exporters: [prometheus, log] }'].join('\n'),
    );
    const r = iora(['check-config', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`${file}: 3 problems`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}receivers::otlp::endpoint .* \(line 2\)$/),
      '  exporters::prometheus::colour is an unknown key (valid keys: endpoint, path, staleness, max_series, max_series_per_metric) (line 4)',
      '  service::pipelines::metrics::exporters::1 references exporter "log" which is not defined under exporters (line 7)',
    ]);
  });

  it('prints usage and exits 2 without a file', () => {
    const r = iora(['check-config']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('usage: iora check-config FILE\n');
  });
});

describe('iora collector', () => {
  it('serves /metrics (with its own telemetry) until SIGTERM, then exits 0 and closes its listeners', async () => {
    const file = collectorConfig(19510, 19511);
    const { child } = await startCollector(file);
    const otlp = await fetch('http://127.0.0.1:19510/v1/metrics', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
            scopeMetrics: [{ scope: { name: 't' }, metrics: [{ name: 'queue.depth', unit: '1', gauge: { dataPoints: [{ asDouble: 3, timeUnixNano: '1' }] } }] }],
          },
        ],
      }),
    });
    expect(otlp.status).toBe(200);
    let text = '';
    for (let i = 0; i < 50 && !text.includes('iora_pipeline_latency_seconds_count'); i++) {
      text = await (await fetch('http://127.0.0.1:19511/metrics')).text();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toContain('queue_depth_ratio{job="shop"} 3');
    expect(text).toContain('target_info{job="iora-collector"');
    expect(text).toMatch(/^iora_pipeline_points_received_total\{job="iora-collector",instance="[^"]+",component="otlp"\} 1$/m);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    await expect(fetch('http://127.0.0.1:19511/metrics')).rejects.toThrow();
  });

  it('exits 1 naming the endpoint when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(19521, '127.0.0.1', () => r()));
    try {
      const r = iora(['collector', '--config', collectorConfig(19520, 19521)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        'iora collector: cannot start exporter "prometheus": cannot listen on 127.0.0.1:19521: the address is already in use (EADDRINUSE)',
      );
    } finally {
      blocker.close();
    }
  });

  it('exits 1 on a bad config, printing every problem', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'receivers: { otlpp: }\nexporters: { prometheus: }\nservice: { pipelines: { metrics: { receivers: [otlpp], exporters: [prometheus] } } }\n');
    const r = iora(['collector', '--config', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `iora collector: invalid config ${file}\n  receivers::otlpp has unknown receiver type "otlpp" (known: agent, otlp) (line 1)\n`,
    );
  });
});
