import type { Exporter, Factory } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import { DeliveryQueue } from '../delivery/delivery-queue.js';
import { postJson } from '../delivery/http.js';
import { NotificationExporter, labelsKey } from '../delivery/notification-exporter.js';
import { deliveryPolicy } from '../delivery/policy.js';
import { deliveryTelemetry } from '../delivery/telemetry.js';
import { createDefaultConfig, targets, validate, type AlertmanagerConfig } from './config.js';
import { toPostableAlert, type PostableAlert } from './payload.js';

/** Alerts per POST: Alertmanager takes arrays; this keeps one request small after a long outage. */
const MAX_ALERTS_PER_REQUEST = 500;

/** Without credentials, for logs. */
function describe(url: string): string {
  const u = new URL(url);
  return `alertmanager ${u.protocol}//${u.host}${u.pathname}`;
}

export const alertmanagerFactory: Factory<AlertmanagerConfig, Exporter> = {
  kind: 'exporter',
  type: 'alertmanager',
  createDefaultConfig,
  validate,
  create(settings, config) {
    const policy = deliveryPolicy(config, MAX_ALERTS_PER_REQUEST);
    const queues = targets(config).map((base) => {
      const endpoint = new URL('api/v2/alerts', base.endsWith('/') ? base : `${base}/`).toString();
      return new DeliveryQueue<PostableAlert>(
        {
          description: describe(base),
          send: (alerts, signal) => postJson(endpoint, alerts, signal),
          // The newest state of an alert replaces an older one still waiting (Alertmanager keys alerts by labels).
          keyOf: (alert) => labelsKey(alert.labels),
        },
        policy,
        settings.logger.child({ component: settings.id }),
        deliveryTelemetry(settings.meter, settings.id, describe(base)),
      );
    });
    return new NotificationExporter(queues, (alerts) => alerts.map(toPostableAlert), parseDuration(config.timeout) ?? 10_000);
  },
};
