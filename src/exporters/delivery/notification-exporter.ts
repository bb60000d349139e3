// The shape every notification exporter shares: alerts from `batch.alerts`, turned into items by the
// exporter, handed to one delivery queue per receiver (several for an HA pair); shutdown gives the
// queues `timeout` to drain. Metrics in the batch are not this exporter's business.

import type { Exporter } from '../../pipeline/component.js';
import type { Alert, MetricBatch } from '../../pipeline/model.js';
import type { DeliveryQueue } from './delivery-queue.js';

export class NotificationExporter<T> implements Exporter {
  private stopped = false;

  constructor(
    private readonly queues: readonly DeliveryQueue<T>[],
    private readonly toItems: (alerts: readonly Alert[]) => T[],
    private readonly drainTimeoutMs: number,
  ) {}

  async start(): Promise<void> {}

  async consume(batch: MetricBatch): Promise<void> {
    if (this.stopped || batch.alerts === undefined || batch.alerts.length === 0) return;
    const items = this.toItems(batch.alerts);
    if (items.length === 0) return;
    for (const queue of this.queues) queue.enqueue(items);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.queues.map((q) => q.close(this.drainTimeoutMs)));
  }
}

/** Keys of notified alerts kept by StateChanges; the oldest are forgotten beyond this. */
const MAX_TRACKED_ALERTS = 10_000;

/**
 * Passes an alert only when its state changed (fired, resolved), not its periodic re-sends — what a
 * chat channel or a generic webhook wants (Alertmanager, in contrast, needs the re-sends).
 */
export class StateChanges {
  private readonly firing = new Set<string>();

  filter(alerts: readonly Alert[]): Alert[] {
    const out: Alert[] = [];
    for (const alert of alerts) {
      const key = labelsKey(alert.labels);
      if (alert.status === 'firing') {
        if (this.firing.has(key)) continue;
        this.firing.add(key);
        if (this.firing.size > MAX_TRACKED_ALERTS) this.firing.delete(this.firing.values().next().value as string);
      } else if (!this.firing.delete(key)) {
        continue;
      }
      out.push(alert);
    }
    return out;
  }
}

export function labelsKey(labels: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(labels).sort()) out += `${k}=${labels[k]}\u0001`;
  return out;
}
