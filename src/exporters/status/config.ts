// The `status` exporter's config: where the status page is served and how much it remembers.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration } from '../../pipeline/duration.js';
import { parseEndpoint } from '../prometheus/config.js';

export interface StatusExporterConfig {
  /** `host:port` (`[::1]:9465` for IPv6); port 0 picks a free port. */
  endpoint: string;
  /** The HTML page; the same data as JSON is at `<path>.json`. */
  path: string;
  /** How often the page reloads itself in the browser. */
  refresh: string;
  /** A series or finding not refreshed for this long leaves the page (a stopped service, a route no longer hit). */
  staleness: string;
  /** Resolved alerts and findings shown, newest first. */
  history: number;
  /** Series rows kept; rows for more series are dropped and counted on the page. */
  max_series: number;
}

export function createDefaultConfig(): StatusExporterConfig {
  return { endpoint: '0.0.0.0:9465', path: '/status', refresh: '5s', staleness: '5m', history: 50, max_series: 2000 };
}

export function validate(config: StatusExporterConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (typeof config.endpoint !== 'string' || !parseEndpoint(config.endpoint)) {
    issues.push({ path: 'endpoint', message: `"${String(config.endpoint)}" is not host:port (e.g. 0.0.0.0:9465, [::]:9465)` });
  }
  if (typeof config.path !== 'string' || !/^\/[^?#\s]*$/.test(config.path) || config.path.endsWith('/')) {
    issues.push({ path: 'path', message: 'must start with / and not end with / (e.g. /status)' });
  }
  const refresh = checkDuration(config.refresh, { min: 1000 });
  if (refresh) issues.push({ path: 'refresh', message: refresh });
  const staleness = checkDuration(config.staleness, { min: 1000 });
  if (staleness) issues.push({ path: 'staleness', message: staleness });
  for (const key of ['history', 'max_series'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) issues.push({ path: key, message: 'must be a whole number ≥ 1' });
  }
  return issues;
}
