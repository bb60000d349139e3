import { parseDuration } from '../../pipeline/duration.js';
import type { DeliveryConfig } from './config.js';
import type { DeliveryPolicy } from './delivery-queue.js';

export function deliveryPolicy(config: DeliveryConfig, maxBatch: number): DeliveryPolicy {
  return {
    timeoutMs: parseDuration(config.timeout) ?? 10_000,
    queueSize: config.queue_size,
    initialBackoffMs: parseDuration(config.retry.initial_interval) ?? 1_000,
    maxBackoffMs: parseDuration(config.retry.max_interval) ?? 30_000,
    maxBatch,
  };
}
