// Self-telemetry of notification delivery, per component: what reached the receiver, what was lost
// and why (queue_full, rejected, shutdown), and failed attempts — so an outage that loses alerts shows
// on the dashboards, not only in the log.

import type { Meter } from '@opentelemetry/api';

export type DropReason = 'queue_full' | 'rejected' | 'shutdown';

export interface DeliveryTelemetry {
  delivered(count: number): void;
  dropped(count: number, reason: DropReason): void;
  failedAttempt(): void;
}

export function deliveryTelemetry(meter: Meter, component: string, target: string): DeliveryTelemetry {
  const attributes = { component, target };
  const delivered = meter.createCounter('iora.notifications.delivered', { description: 'Notifications (alerts, messages) a receiver accepted', unit: '{notification}' });
  const dropped = meter.createCounter('iora.notifications.dropped', { description: 'Notifications lost: queue full, rejected by the receiver, or undelivered at shutdown', unit: '{notification}' });
  const failures = meter.createCounter('iora.notifications.failed_attempts', { description: 'Delivery attempts that failed and will be retried', unit: '{attempt}' });
  return {
    delivered: (count) => delivered.add(count, attributes),
    dropped: (count, reason) => dropped.add(count, { ...attributes, reason }),
    failedAttempt: () => failures.add(1, attributes),
  };
}
