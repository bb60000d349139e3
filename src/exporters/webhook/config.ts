// The `webhook` exporter's config: a URL that receives alert state changes as JSON, with optional
// headers (e.g. `authorization: Bearer ${env:WEBHOOK_TOKEN}`), and the shared delivery policy.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkUrl, createDefaultDeliveryConfig, validateDeliveryConfig, type DeliveryConfig } from '../delivery/config.js';

export interface WebhookConfig extends DeliveryConfig {
  /** '' turns the exporter off (one error logged at start). */
  url: string;
  headers: Record<string, string>;
}

export function createDefaultConfig(): WebhookConfig {
  return { url: '', headers: {}, ...createDefaultDeliveryConfig() };
}

export const freeformKeys = ['headers'] as const;

export function validate(config: WebhookConfig): ConfigIssue[] {
  const issues = validateDeliveryConfig(config);
  if (config.url !== '') issues.push(...checkUrl(config.url, 'url', { secret: true }));
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) issues.push({ path: `headers::${name}`, message: 'is not a valid HTTP header name' });
    if (typeof value !== 'string') issues.push({ path: `headers::${name}`, message: 'must be a string' });
  }
  return issues;
}
