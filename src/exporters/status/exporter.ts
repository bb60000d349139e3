// Serves the status page (HTML) and its data (JSON) from what the pipeline delivers: the spec's
// performance dashboard for a laptop or a quick look, without Grafana.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ComponentSettings, Exporter } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import type { MetricBatch } from '../../pipeline/model.js';
import { HttpEndpoint } from '../http-endpoint.js';
import { StatusBoard, type StatusSnapshot } from './board.js';
import type { StatusExporterConfig } from './config.js';
import { renderStatusPage } from './page.js';

export class StatusExporter implements Exporter {
  private readonly board: StatusBoard;
  private readonly refreshSeconds: number;
  private readonly jsonPath: string;
  private readonly http: HttpEndpoint;

  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: StatusExporterConfig,
  ) {
    this.http = new HttpEndpoint(config.endpoint, config.path, (req, res) => this.handle(req, res));
    this.board = new StatusBoard({
      stalenessMs: parseDuration(config.staleness) ?? 300_000,
      history: config.history,
      maxSeries: config.max_series,
    });
    this.refreshSeconds = Math.round((parseDuration(config.refresh) ?? 5000) / 1000);
    this.jsonPath = `${config.path}.json`;
  }

  /** The port actually listened on (useful with port 0); undefined before start. */
  get port(): number | undefined {
    return this.http.port;
  }

  async start(): Promise<void> {
    await this.http.start(this.settings.logger, 'status page');
  }

  async shutdown(): Promise<void> {
    await this.http.shutdown();
  }

  async consume(batch: MetricBatch): Promise<void> {
    this.board.add(batch, this.settings.clock.now());
  }

  snapshot(): StatusSnapshot {
    return this.board.snapshot(this.settings.clock.now());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const html = path === this.config.path || path === '/';
    if (!html && path !== this.jsonPath) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found; the status page is at ${this.config.path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let body: string;
    try {
      const snapshot = this.snapshot();
      body = html ? renderStatusPage(snapshot, this.refreshSeconds, this.jsonPath) : JSON.stringify(snapshot);
    } catch (err) {
      this.settings.logger.error({ err }, 'rendering the status page failed');
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('rendering the status page failed\n');
      return;
    }
    const type = html ? 'text/html; charset=utf-8' : 'application/json';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
