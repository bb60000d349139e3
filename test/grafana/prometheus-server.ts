// A real Prometheus (Debian package) for tests: started on loopback with a throwaway data dir and the
// given config, queried through its HTTP API, stopped at the end.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { stopProcess } from '../deploy/tools.js';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusServer {
  private log = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on('data', (c: Buffer) => {
      this.log = (this.log + c.toString()).slice(-20_000);
    });
  }

  /** Starts Prometheus with `config` (written to `dir`) and resolves once it is ready. */
  static async start(options: { dir: string; port: number; config: object }): Promise<PrometheusServer> {
    mkdirSync(options.dir, { recursive: true });
    const configFile = join(options.dir, 'prometheus.yml');
    writeFileSync(configFile, stringify(options.config));
    const child = spawn(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(options.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${options.port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const server = new PrometheusServer(child, `http://127.0.0.1:${options.port}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${server.log}`);
      const ready = await fetch(`${server.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return server;
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 20 s: ${server.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async api<T>(path: string, params: Record<string, string | string[]>): Promise<T> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) query.append(k, one);
    const res = await fetch(`${this.url}/api/v1/${path}?${query.toString()}`);
    const json = (await res.json()) as { status: string; data: T; error?: string };
    if (json.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${json.error ?? res.status}`);
    return json.data;
  }

  /** Instant query; a range vector result is returned as its series. */
  async query(expr: string): Promise<Sample[]> {
    const data = await this.api<{ resultType: string; result: Sample[] | [number, string] }>('query', { query: expr });
    if (data.resultType === 'scalar' || data.resultType === 'string') return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as Sample[];
  }

  async labelValues(label: string, match?: string): Promise<string[]> {
    return this.api<string[]>(`label/${encodeURIComponent(label)}/values`, match === undefined ? {} : { 'match[]': match });
  }

  /** Resolves once Prometheus has exited, so its data directory can be removed. */
  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}
