// Serves every series the pipeline delivered on an HTTP endpoint in Prometheus text format. A scrape
// renders what the store holds; the work per batch is only updating the store.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter } from '@opentelemetry/api';
import type { ComponentSettings, Exporter } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import type { MetricBatch } from '../../pipeline/model.js';
import { HttpEndpoint } from '../http-endpoint.js';
import type { PrometheusExporterConfig } from './config.js';
import { SeriesStore, type DropReason } from './internal/series-store.js';
import { CONTENT_TYPE } from './internal/text-format.js';

export class PrometheusExporter implements Exporter {
  private readonly store: SeriesStore;
  private readonly stalenessMs: number;
  private readonly dropped: Counter;
  private readonly loggedDrops = new Set<DropReason>();
  private readonly http: HttpEndpoint;
  private lastExpiryMs = 0;

  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: PrometheusExporterConfig,
  ) {
    this.http = new HttpEndpoint(config.endpoint, config.path, (req, res) => this.handle(req, res));
    this.stalenessMs = parseDuration(config.staleness) ?? 300_000;
    this.dropped = settings.meter.createCounter('iora.pipeline.points.dropped', {
      description: 'Points or series a component dropped (caps, invalid data, failed exports)',
      unit: '{point}',
    });
    const limits = { maxSeries: config.max_series, maxSeriesPerMetric: config.max_series_per_metric };
    this.store = new SeriesStore(limits, (reason, metric, points) => this.onDrop(reason, metric, points));
  }

  /** The port actually listened on (useful with port 0); undefined before start. */
  get port(): number | undefined {
    return this.http.port;
  }

  async start(): Promise<void> {
    await this.http.start(this.settings.logger, 'prometheus exporter');
  }

  async shutdown(): Promise<void> {
    await this.http.shutdown();
  }

  async consume(batch: MetricBatch): Promise<void> {
    const now = this.settings.clock.now();
    for (const rm of batch.resourceMetrics) this.store.add(rm, now);
    // Expire on the write path too (not only on scrape), so memory stays bounded when nobody scrapes.
    if (now - this.lastExpiryMs >= this.stalenessMs / 4) this.expire(now);
  }

  /** The current exposition text (what a scrape returns). */
  render(): string {
    this.expire(this.settings.clock.now());
    return this.store.render();
  }

  private expire(now: number): void {
    this.lastExpiryMs = now;
    this.store.expire(now - this.stalenessMs);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== this.config.path) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found; metrics are at ${this.config.path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let body: string;
    try {
      body = this.render();
    } catch (err) {
      this.settings.logger.error({ err }, 'rendering /metrics failed');
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('rendering metrics failed\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private onDrop(reason: DropReason, metric: string, points: number): void {
    this.dropped.add(points, { component: this.settings.id, reason });
    if (this.loggedDrops.has(reason)) return;
    this.loggedDrops.add(reason);
    const why =
      reason === 'type_conflict'
        ? `metric ${metric} arrived with a different type than before`
        : reason === 'invalid_point'
          ? `a histogram point of ${metric} has bucket counts that do not match its bounds`
          : `series cap reached (${reason}: max_series ${this.config.max_series}, max_series_per_metric ${this.config.max_series_per_metric}) for ${metric}`;
    this.settings.logger.warn({ reason, metric }, `dropping series: ${why}; further drops are counted in iora_pipeline_points_dropped_total, not logged`);
  }
}
