// deploy/alertmanager.yml: amtool accepts it, the routing tree sends what the brief says where, and a
// real Alertmanager (Debian package) running this very file — only the receivers' URLs and the
// timings swapped for a local test server — delivers, groups and inhibits as documented.

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { deployDir, runTool, stopProcess, until } from './tools.js';

const ALERTMANAGER_PORT = 20110;

async function receiversFor(labels: string[]): Promise<string[]> {
  const result = await runTool('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...labels]);
  expect(result.code, result.output).toBe(0);
  return result.stdout.trim().split(',').sort();
}

describe('deploy/alertmanager.yml', () => {
  it('passes amtool check-config, templates included', async () => {
    const result = await runTool('amtool', ['check-config', 'alertmanager.yml']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('1 templates');
  });

  it('pages on critical (and tells the channel), sends every other severity to the channel', async () => {
    expect(await receiversFor(['severity=critical', 'service=shop', 'alertname=IoraLatencyRegression'])).toEqual([
      'oncall-pager',
      'team-channel',
    ]);
    for (const severity of ['high', 'medium', 'low']) {
      expect(await receiversFor([`severity=${severity}`, 'service=shop'])).toEqual(['team-channel']);
    }
  });

  it('groups by service and alertname', () => {
    const config = parse(readFileSync(join(deployDir, 'alertmanager.yml'), 'utf8')) as { route: { group_by: string[] } };
    expect(config.route.group_by).toEqual(['service', 'alertname']);
  });
});

interface Attachment {
  title: string;
  text: string;
  color: string;
}

interface Notification {
  path: string;
  body: Record<string, unknown>;
}

/** Collects the POSTs Alertmanager makes: Slack's webhook and the pager webhook, told apart by path. */
function startSink(): Promise<{ server: Server; url: string; received: Notification[] }> {
  const received: Notification[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(data) as Record<string, unknown> });
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, received });
    }),
  );
}

describe('deploy/alertmanager.yml in a real Alertmanager', () => {
  let dir: string;
  let alertmanager: ChildProcess | undefined;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let log = '';

  beforeAll(async () => {
    sink = await startSink();
    dir = mkdtempSync(join(tmpdir(), 't-stack-am-'));
    cpSync(join(deployDir, 'templates'), join(dir, 'templates'), { recursive: true });
    // The deployed file with its two endpoints pointed at the sink and the first wait shortened;
    // routes, grouping, inhibition and templates are exactly what is deployed.
    const config = parse(readFileSync(join(deployDir, 'alertmanager.yml'), 'utf8')) as {
      global: Record<string, unknown>;
      route: Record<string, unknown> & { routes: Record<string, unknown>[] };
      receivers: { name: string; webhook_configs?: { url: string }[] }[];
    };
    writeFileSync(join(dir, 'slack-url'), `${sink.url}/slack`);
    config.global.slack_api_url_file = join(dir, 'slack-url');
    for (const receiver of config.receivers) {
      for (const webhook of receiver.webhook_configs ?? []) webhook.url = `${sink.url}/pager`;
    }
    for (const route of [config.route, ...config.route.routes]) {
      if ('group_wait' in route) route.group_wait = '1s';
    }
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    alertmanager = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${ALERTMANAGER_PORT}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    alertmanager.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    await until('Alertmanager listening', () => (/listening/i.test(log) ? true : undefined), 15_000);
  });

  afterAll(async () => {
    await stopProcess(alertmanager);
    sink?.server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pages the critical series, posts to Slack, and mutes the lower alert of the same series', async () => {
    const series = {
      service: 'shop',
      alertname: 'IoraLatencyRegression',
      metric: 'http_server_request_duration_seconds',
      quantile: '0.95',
    };
    const alert = (route: string, severity: string, summary: string, degradation: string) => ({
      labels: { ...series, http_route: route, severity },
      annotations: { summary, degradation },
      startsAt: new Date().toISOString(),
    });
    const res = await fetch(`http://127.0.0.1:${ALERTMANAGER_PORT}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('GET /users/:id', 'critical', 'users p95 +31%', '31%'),
        alert('GET /users/:id', 'high', 'users p95 over target', '18%'),
        alert('GET /orders', 'high', 'orders p95 +18%', '18%'),
      ]),
    });
    expect(res.status).toBe(200);

    const page = await until('pager webhook', () => sink.received.find((n) => n.path === '/pager'));
    const paged = (page.body.alerts as { labels: Record<string, string> }[]).map((a) => a.labels);
    expect(paged).toEqual([expect.objectContaining({ severity: 'critical', http_route: 'GET /users/:id' })]);
    expect(page.body.groupLabels).toEqual({ service: 'shop', alertname: 'IoraLatencyRegression' });

    // Slack: the critical alert comes through the critical route's own group; the root route's group
    // lists the other series' high alert, never the high alert the critical one inhibits.
    const slackMessages = () =>
      sink.received.filter((n) => n.path === '/slack').map((n) => (n.body.attachments as Attachment[])[0]);
    const critical = await until('Slack message for the critical alert', () =>
      slackMessages().find((a) => a?.text.includes('users p95 +31%')),
    );
    expect(critical.title).toContain('IoraLatencyRegression — shop');
    expect(critical.text).toContain('• degradation: 31%');
    expect(critical.color).toBe('danger');
    const rest = await until('Slack message for the other series', () =>
      slackMessages().find((a) => a?.text.includes('orders p95 +18%')),
    );
    expect(rest.color).toBe('warning');
    expect(rest.text).toContain('• metric: `http_server_request_duration_seconds` q0.95 GET /orders');
    expect(JSON.stringify(sink.received)).not.toContain('users p95 over target');
  });
});
