// The example app under the agent, started as a user would start it:
// `node --import <iora>/dist/instrumentation/register.js examples/demo-app.mjs` with IORA_CONFIG set.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DemoPaths } from './paths.js';

export interface AppSettings {
  paths: DemoPaths;
  port: number;
  metricsPort: number;
  statusPort: number;
  /** The agent's log (pino JSON lines, stderr of the app). */
  logFile: string;
  /** Each line the app prints on stdout. */
  onLine: (line: string) => void;
}

const STOP_GRACE_MS = 5000;

export class AppProcess {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  readonly exited: Promise<number | null>;

  private constructor(settings: AppSettings) {
    const { paths } = settings;
    this.log = createWriteStream(settings.logFile);
    this.child = spawn(process.execPath, ['--import', paths.register, paths.app], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        PORT: String(settings.port),
        IORA_CONFIG: paths.pipeline,
        OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'iora-demo',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(settings.metricsPort),
        IORA_STATUS_PORT: String(settings.statusPort),
        // One collection per second: the demo's 5 s windows get five points each.
        OTEL_METRIC_EXPORT_INTERVAL: process.env.OTEL_METRIC_EXPORT_INTERVAL ?? '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stderr?.pipe(this.log);
    if (this.child.stdout) createInterface({ input: this.child.stdout }).on('line', settings.onLine);
  }

  static start(settings: AppSettings): AppProcess {
    for (const [what, file] of Object.entries(settings.paths)) {
      if (!existsSync(file)) throw new Error(`${what} not found at ${file}${what === 'register' ? ' (run `npm run build` first)' : ''}`);
    }
    return new AppProcess(settings);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
