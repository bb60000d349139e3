// The `prometheus` exporter's config: where to serve, how long silent series stay, how many series to keep.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration } from '../../pipeline/duration.js';
import { checkSeriesLimits, DEFAULT_SERIES_LIMITS } from '../../pipeline/series-limiter.js';

export interface PrometheusExporterConfig {
  /** `host:port` (`[::1]:9464` for IPv6); port 0 picks a free port. */
  endpoint: string;
  path: string;
  /** A series not updated for this long disappears (a stopped service, a route no longer hit). */
  staleness: string;
  max_series: number;
  max_series_per_metric: number;
}

export function createDefaultConfig(): PrometheusExporterConfig {
  return {
    endpoint: '0.0.0.0:9464',
    path: '/metrics',
    staleness: '5m',
    max_series: DEFAULT_SERIES_LIMITS.maxSeries,
    max_series_per_metric: DEFAULT_SERIES_LIMITS.maxSeriesPerMetric,
  };
}

export interface Endpoint {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port`; undefined when malformed. */
export function parseEndpoint(endpoint: string): Endpoint | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(endpoint.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

export function validate(config: PrometheusExporterConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!parseEndpoint(config.endpoint)) {
    issues.push({ path: 'endpoint', message: `"${config.endpoint}" is not host:port (e.g. 0.0.0.0:9464, [::]:9464)` });
  }
  if (!config.path.startsWith('/')) issues.push({ path: 'path', message: 'must start with /' });
  const staleness = checkDuration(config.staleness, { min: 1000 });
  if (staleness) issues.push({ path: 'staleness', message: staleness });
  issues.push(...checkSeriesLimits(config));
  return issues;
}
