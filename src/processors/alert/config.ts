// The `alert` processor's config. `history` is the specification's 1000 (iora keeps the newest).

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration } from '../../pipeline/duration.js';

export interface AlertConfig {
  /** After an alert fires, the same alert (name + series) does not fire again within this time. */
  cooldown: string;
  /** Firing alerts are put in the batch again this often, so Alertmanager keeps them alive. */
  resend_interval: string;
  /** A firing alert no finding has refreshed for this long is resolved (its source went quiet). */
  resolve_timeout: string;
  /** Alert events (fired, resolved) kept, newest first; also bounds the alerts remembered for cooldown. */
  history: number;
  /** Grafana dashboard URL each alert's generatorURL points to ('' for none); service and metric are added as variables. */
  grafana_url: string;
}

export function createDefaultConfig(): AlertConfig {
  return { cooldown: '1h', resend_interval: '1m', resolve_timeout: '5m', history: 1000, grafana_url: '' };
}

export function validate(config: AlertConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const cooldown = checkDuration(config.cooldown, { allowZero: true });
  if (cooldown) issues.push({ path: 'cooldown', message: cooldown });
  for (const key of ['resend_interval', 'resolve_timeout'] as const) {
    const problem = checkDuration(config[key]);
    if (problem) issues.push({ path: key, message: problem });
  }
  if (!Number.isInteger(config.history) || config.history < 1) issues.push({ path: 'history', message: 'must be an integer ≥ 1' });
  if (typeof config.grafana_url !== 'string') {
    issues.push({ path: 'grafana_url', message: 'must be a URL string' });
  } else if (config.grafana_url !== '' && !/^https?:\/\/[^/]/.test(config.grafana_url)) {
    issues.push({ path: 'grafana_url', message: `"${config.grafana_url}" must be an http:// or https:// URL` });
  }
  return issues;
}
