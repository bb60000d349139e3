// A real Alertmanager (Debian's prometheus-alertmanager) on loopback for the alerting integration
// tests: fresh storage per instance (old alerts would merge and hide new notifications) kept across a
// stop/start (a restart, with its notification log), no cluster gossip (it would wait ~10 s), short
// grouping so notifications arrive within a second or two.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess } from '../deploy/tools.js';

export interface AlertmanagerOptions {
  port: number;
  /** Where the webhook receiver posts notifications. */
  webhookUrl: string;
}

export class RealAlertmanager {
  private process: ChildProcess | undefined;
  private dir: string | undefined;
  output = '';

  constructor(private readonly options: AlertmanagerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(): Promise<void> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'iora-alerting-am-'));
    const config = [
      'route:',
      '  receiver: hook',
      '  group_by: [alertname, service, http_route]',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${this.options.webhookUrl}`,
      '        send_resolved: true',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'alertmanager.yml'), config);
    const child = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${join(this.dir, 'alertmanager.yml')}`,
        `--storage.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.options.port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.process = child;
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`alertmanager exited: ${this.output}`);
      const ready = await fetch(`${this.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`alertmanager not ready: ${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    await stopProcess(child);
  }

  /** Stops it and removes its storage. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** One notification as Alertmanager's webhook receiver posts it. */
export interface Notification {
  status: 'firing' | 'resolved';
  externalURL: string;
  alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }[];
}
