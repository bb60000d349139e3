// The status page in a real browser (Debian chromium, headless, through playwright-core): what a person
// sees — services, baselines vs current, targets and breaches, firing and recent alerts — rendered from
// what the exporter was given, a screenshot saved, label text escaped, and the page reloading itself.

import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metrics } from '@opentelemetry/api';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../src/exporters/status/board.js';
import { createDefaultConfig } from '../../src/exporters/status/config.js';
import type { StatusExporter } from '../../src/exporters/status/exporter.js';
import { statusExporterFactory } from '../../src/exporters/status/factory.js';
import type { Attributes, MetricBatch } from '../../src/pipeline/model.js';
import { BoundedQuarantine } from '../../src/pipeline/quarantine.js';

const SHOP = { 'service.name': 'shop', 'service.instance.id': 'i-1' };
const USERS = { http_request_method: 'GET', http_route: '/users/:id', iora_operation_class: 'simple_query', metric: 'http_server_request_duration_seconds' };
const REPORT = { http_request_method: 'GET', http_route: '/reports/<script>alert(1)</script>', iora_operation_class: 'complex_analysis', metric: 'http_server_request_duration_seconds' };

function gauges(points: Array<[string, Attributes, number]>, timeMs: number): MetricBatch {
  const names = [...new Set(points.map(([n]) => n))];
  return {
    resourceMetrics: [
      {
        resource: SHOP,
        scopes: [
          {
            scope: { name: 'iora/test' },
            metrics: names.map((name) => ({
              kind: 'gauge' as const,
              name,
              description: '',
              unit: '',
              points: points.filter(([n]) => n === name).map(([, attributes, value]) => ({ attributes, startTimeMs: timeMs, timeMs, value })),
            })),
          },
        ],
      },
    ],
  };
}

function quantiles(labels: Attributes, name: string, values: [number, number, number]): Array<[string, Attributes, number]> {
  return (['0.5', '0.95', '0.99'] as const).map((q, i) => [name, { ...labels, quantile: q }, values[i] ?? 0]);
}

interface PageView {
  text: string;
  services: string[][];
  series: string[][];
  recent: string[][];
  scripts: number;
}

// Runs in the page (a string: this project's TypeScript has no DOM types). Cells of the table after a heading.
const READ_PAGE = `(() => {
  const table = (heading) => {
    const h2 = [...document.querySelectorAll('h2')].find((h) => h.textContent.startsWith(heading));
    const next = h2 && h2.nextElementSibling;
    if (!next || next.tagName !== 'TABLE') return [];
    return [...next.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()));
  };
  return {
    text: document.body.innerText,
    services: table('Services'),
    series: table('Baselines vs current'),
    recent: table('Recent alerts'),
    scripts: document.querySelectorAll('script').length,
  };
})()`;

/** Everything asserted, read in one evaluation: the page reloads itself and may not be there for a second call. */
async function readPage(page: Page): Promise<PageView> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await page.evaluate<PageView>(READ_PAGE);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('Execution context was destroyed')) throw err;
      await page.waitForLoadState('load');
    }
  }
}

const clock = { ms: Date.UTC(2026, 10, 27, 10, 0, 0), now() { return this.ms; } };

describe('status page in headless Chromium', () => {
  let exporter: StatusExporter;
  let context: BrowserContext;
  let baseUrl: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'iora-status-page-'));

  beforeAll(async () => {
    exporter = statusExporterFactory.create(
      {
        id: 'status',
        type: 'status',
        logger: pino({ level: 'silent' }),
        clock,
        meter: metrics.getMeter('test'),
        host: { quarantine: new BoundedQuarantine() },
      },
      { ...createDefaultConfig(), endpoint: '127.0.0.1:0', refresh: '1s' },
      { consume: async () => {} },
    );
    await exporter.start();
    baseUrl = `http://127.0.0.1:${exporter.port}`;
    await exporter.consume({
      ...gauges(
        [
          ...quantiles(USERS, 'iora_window_quantile', [0.034, 0.041, 0.05]),
          ...quantiles(USERS, 'iora_baseline_quantile', [0.003, 0.005, 0.008]),
          ['iora_baseline_ready', USERS, 1],
          ['iora_baseline_samples', USERS, 900],
          ['iora_regression_degradation_ratio', { ...USERS, quantile: '0.95', signal: 'latency' }, 7.2],
          ['iora_regression_severity', { ...USERS, quantile: '0.95', signal: 'latency' }, 4],
          ['iora_target_threshold', { ...USERS, quantile: '0.95', kind: 'business', target: 'p95' }, 0.55],
          ['iora_target_breach', { ...USERS, quantile: '0.95', kind: 'business', target: 'p95' }, 0],
          ...quantiles(REPORT, 'iora_window_quantile', [0.9, 2.4, 3.1]),
          ['iora_baseline_ready', REPORT, 0],
          ['iora_baseline_samples', REPORT, 40],
          ['iora_target_threshold', { ...REPORT, quantile: '0.95', kind: 'business', target: 'p95' }, 2.2],
          ['iora_target_breach', { ...REPORT, quantile: '0.95', kind: 'business', target: 'p95' }, 1],
        ],
        clock.ms,
      ),
      findings: [
        {
          kind: 'regression',
          resource: SHOP,
          labels: { http_route: '/users/:id', metric: USERS.metric },
          severity: 'critical',
          message: 'p95 of GET /users/:id is 0.041, 720% above its baseline 0.005',
          timeMs: clock.ms,
        },
      ],
      alerts: [
        {
          labels: { alertname: 'IoraLatencyRegression', severity: 'critical', service: 'shop', http_route: '/users/:id' },
          annotations: { summary: 'p95 of GET /users/:id is 720% above its baseline' },
          status: 'firing',
          startsAtMs: clock.ms,
        },
        {
          labels: { alertname: 'IoraTargetBreach', severity: 'medium', service: 'shop', http_route: '/products/:id' },
          annotations: { summary: 'P95 value 0.61 s exceeds business target 0.55 s' },
          status: 'resolved',
          startsAtMs: clock.ms - 120_000,
          endsAtMs: clock.ms - 60_000,
        },
      ],
    });
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await exporter?.shutdown();
  });

  it('renders services, baselines vs current, targets, breaches and alerts, and a screenshot', async () => {
    const page = await context.newPage();
    console.log(`status page screenshot: ${path.join(dir, 'status.png')}`);
    const response = await page.goto(`${baseUrl}/status`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('iora status');
    const screenshot = path.join(dir, 'status.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    const view = await readPage(page);

    // Services: one instance, one ready and one learning baseline, worst severity critical, one breach, one alert firing.
    expect(view.services).toEqual([['shop', '1', '2', '1 ready, 1 learning', 'critical', '1', '1', '10:00:00']]);
    expect(view.text).toContain('Firing alerts (1)');
    expect(view.text).toContain('p95 of GET /users/:id is 720% above its baseline');

    // The regressed route first, in milliseconds: now p50/p95/p99, baseline p50/p95/p99, Δ, severity, target.
    expect(view.series).toHaveLength(2);
    const [users, report] = view.series as [string[], string[]];
    expect(users.slice(0, 2)).toEqual(['shop', 'simple_query']);
    expect(users.slice(3)).toEqual(['34 ms', '41 ms', '50 ms', '3 ms', '5 ms', '8 ms', 'ready', '+720.0%', 'critical', 'p95 ≤ 550 ms']);
    // A label with markup is shown as text, not run; the breached target is marked.
    expect(report[2]).toContain('http_route=/reports/<script>alert(1)</script>');
    expect(report[9]).toBe('learning (40)');
    expect(report.slice(3, 6)).toEqual(['900 ms', '2.4 s', '3.1 s']);
    expect(report[12]).toBe('p95 ≤ 2.2 s BREACHED');
    expect(view.scripts).toBe(0);

    // Recent alerts, in the order they arrived, newest first: the resolution (with its span), the firing one.
    expect(view.recent.map((r) => r[0])).toEqual(['resolved', 'firing']);
    expect(view.recent[0]?.[5]).toBe('09:58:00 – 09:59:00');
    expect(view.text).toContain('regression (critical) shop: p95 of GET /users/:id is 0.041, 720% above its baseline 0.005');
  });

  it('reloads itself: a batch delivered after the page opened shows up without navigation', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/status`);
    expect(await page.innerText('body')).not.toContain('checkout');
    clock.ms += 5000;
    await exporter.consume(gauges([...quantiles({ ...USERS, http_route: '/checkout' }, 'iora_window_quantile', [0.01, 0.02, 0.03])], clock.ms));
    await page.waitForFunction(`document.body.innerText.includes('http_route=/checkout')`, undefined, { timeout: 10_000 });
  });

  it('serves the same data as JSON at /status.json', async () => {
    const res = await fetch(`${baseUrl}/status.json`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const snapshot = (await res.json()) as StatusSnapshot;
    expect(snapshot.services.map((s) => s.service)).toEqual(['shop']);
    expect(snapshot.firingAlerts.map((a) => a.labels['alertname'])).toEqual(['IoraLatencyRegression']);
    expect(snapshot.series.find((r) => r.labels['http_route'] === '/users/:id')).toMatchObject({ severity: 4, baseline: { '0.95': 0.005 } });
    expect((await fetch(`${baseUrl}/nope`)).status).toBe(404);
  });
});
