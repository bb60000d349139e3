// The `slack` exporter's config. The incoming-webhook URL is a secret: write it as
// `url: ${env:SLACK_WEBHOOK_URL}` so it comes from the environment; it is never logged or echoed in
// config errors. An empty URL (the default, or an unset variable) turns the exporter off with one
// error logged at start.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkUrl, createDefaultDeliveryConfig, validateDeliveryConfig, type DeliveryConfig } from '../delivery/config.js';

export interface SlackConfig extends DeliveryConfig {
  url: string;
  /** Overrides the webhook's default channel ('' keeps it). */
  channel: string;
}

export function createDefaultConfig(): SlackConfig {
  return { url: '', channel: '', ...createDefaultDeliveryConfig() };
}

export function validate(config: SlackConfig): ConfigIssue[] {
  const issues = validateDeliveryConfig(config);
  if (config.url !== '') issues.push(...checkUrl(config.url, 'url', { secret: true }));
  if (typeof config.channel !== 'string') issues.push({ path: 'channel', message: 'must be a string such as "#alerts"' });
  return issues;
}
