// The status exporter in the collector (not only in the agent): `iora collector` with an OTLP receiver,
// the baseline processor and the status exporter shows each pushing service on /status and /status.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../src/exporters/status/board.js';

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const OTLP_PORT = 20270;
const STATUS_PORT = 20271;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function config(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'iora-status-collector-')), 'collector.yaml');
  writeFileSync(
    file,
    `receivers: { otlp: { endpoint: "127.0.0.1:${OTLP_PORT}" } }
processors: { baseline: { window: 1s, bucket: 1s, period: 10s, min_samples: 5, min_coverage: 0.1 } }
exporters: { status: { endpoint: "127.0.0.1:${STATUS_PORT}", refresh: 1s } }
service: { pipelines: { metrics: { receivers: [otlp], processors: [baseline], exporters: [status] } } }
`,
  );
  return file;
}

/** One cumulative explicit-bucket histogram point of request latency, as an SDK would push it (OTLP JSON). */
function requestLatency(service: string, route: string, count: number, startNs: bigint, nowNs: bigint): unknown {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'service.instance.id', value: { stringValue: `${service}-1` } }] },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'http.server.request.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      attributes: [{ key: 'http.route', value: { stringValue: route } }],
                      startTimeUnixNano: String(startNs),
                      timeUnixNano: String(nowNs),
                      count: String(count),
                      sum: count * 0.02,
                      explicitBounds: [0.01, 0.025, 0.05],
                      bucketCounts: ['0', String(count), '0', '0'],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('status page in the collector', () => {
  it('shows the services that push OTLP, with their window quantiles', async () => {
    const child = spawn(process.execPath, [MAIN, 'collector', '--config', config()], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 100 && !stderr.includes('pipeline service started'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('pipeline service started');

    const startNs = BigInt(Date.now()) * 1_000_000n;
    let snapshot: StatusSnapshot | undefined;
    for (let i = 1; i <= 40; i++) {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      for (const [service, route] of [['shop', '/cart'], ['billing', '/invoices/:id']] as const) {
        const res = await fetch(`http://127.0.0.1:${OTLP_PORT}/v1/metrics`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(requestLatency(service, route, i * 10, startNs, nowNs)),
        });
        expect(res.status).toBe(200);
      }
      snapshot = (await (await fetch(`http://127.0.0.1:${STATUS_PORT}/status.json`)).json()) as StatusSnapshot;
      const pushed = snapshot.series.filter((r) => r.service === 'shop' || r.service === 'billing');
      if (pushed.length === 2 && pushed.every((r) => r.window['0.95'] !== undefined)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // The two pushing services (and, once its own pipeline latency has a window, the collector itself).
    expect(snapshot?.services.map((s) => s.service).filter((s) => s !== 'iora-collector')).toEqual(['billing', 'shop']);
    const cart = snapshot?.series.find((r) => r.service === 'shop');
    // One row per series: the quantiles' reading labels (quantile, the explicit-bucket error bound) are not identity.
    expect(snapshot?.series.filter((r) => r.service === 'shop')).toHaveLength(1);
    expect(cart).toMatchObject({ metric: 'http_server_request_duration_seconds', labels: { http_route: '/cart' } });
    // Every request fell in the (10 ms, 25 ms] bucket: the window p95 lies inside it.
    expect(cart?.window['0.95']).toBeGreaterThan(0.01);
    expect(cart?.window['0.95']).toBeLessThanOrEqual(0.025);
    const html = await (await fetch(`http://127.0.0.1:${STATUS_PORT}/status`)).text();
    expect(html).toContain('<td>billing</td>');
    expect(html).toContain('http_route=/invoices/:id');
  });
});
