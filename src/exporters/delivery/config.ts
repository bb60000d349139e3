// Delivery settings shared by the notification exporters (alertmanager, slack, webhook): one policy
// for timeouts, the bounded queue, and retries with backoff.

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration, parseDuration } from '../../pipeline/duration.js';

export interface RetryConfig {
  /** First wait after a failed send; doubled after every further failure (with jitter). */
  initial_interval: string;
  /** Longest wait between attempts. */
  max_interval: string;
}

export interface DeliveryConfig {
  /** Per request. */
  timeout: string;
  /** Notifications waiting while the receiver is down; beyond it the oldest are dropped (counted, logged). */
  queue_size: number;
  retry: RetryConfig;
}

export function createDefaultDeliveryConfig(): DeliveryConfig {
  return { timeout: '10s', queue_size: 1000, retry: { initial_interval: '1s', max_interval: '30s' } };
}

export function validateDeliveryConfig(config: DeliveryConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const timeout = checkDuration(config.timeout);
  if (timeout) issues.push({ path: 'timeout', message: timeout });
  if (!Number.isInteger(config.queue_size) || config.queue_size < 1) {
    issues.push({ path: 'queue_size', message: 'must be an integer ≥ 1' });
  }
  const initial = checkDuration(config.retry.initial_interval);
  if (initial) issues.push({ path: 'retry::initial_interval', message: initial });
  const max = checkDuration(config.retry.max_interval);
  if (max) issues.push({ path: 'retry::max_interval', message: max });
  if (!initial && !max && parseDuration(config.retry.max_interval)! < parseDuration(config.retry.initial_interval)!) {
    issues.push({ path: 'retry::max_interval', message: 'must be at least initial_interval' });
  }
  return issues;
}

/** Checks an http(s) URL without ever echoing it (it may hold a secret, like a Slack webhook path). */
export function checkUrl(value: unknown, path: string, opts: { secret: boolean }): ConfigIssue[] {
  if (typeof value !== 'string' || value === '') return [{ path, message: 'must be set (an http:// or https:// URL)' }];
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return [{ path, message: opts.secret ? 'is not a valid URL' : `"${value}" is not a valid URL` }];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return [{ path, message: 'must be an http:// or https:// URL' }];
  return [];
}
