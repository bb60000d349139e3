// The `alertmanager` exporter's config: where Alertmanager listens (one `url`, or `urls` for an HA
// pair — every one gets every alert, as Prometheus does), and the shared delivery policy.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkUrl, createDefaultDeliveryConfig, validateDeliveryConfig, type DeliveryConfig } from '../delivery/config.js';

export interface AlertmanagerConfig extends DeliveryConfig {
  /** Base URL (`http://127.0.0.1:9093`); ignored when `urls` is not empty. */
  url: string;
  /** Base URLs of every Alertmanager of an HA cluster. */
  urls: string[];
}

export function createDefaultConfig(): AlertmanagerConfig {
  return { url: 'http://127.0.0.1:9093', urls: [], ...createDefaultDeliveryConfig() };
}

export function targets(config: AlertmanagerConfig): string[] {
  return config.urls.length > 0 ? config.urls : [config.url];
}

export function validate(config: AlertmanagerConfig): ConfigIssue[] {
  const issues = validateDeliveryConfig(config);
  if (!Array.isArray(config.urls)) return [...issues, { path: 'urls', message: 'must be a list of URLs' }];
  if (config.urls.length === 0) issues.push(...checkUrl(config.url, 'url', { secret: false }));
  config.urls.forEach((u, i) => issues.push(...checkUrl(u, `urls::${i}`, { secret: false })));
  return issues;
}
