import type { Exporter, Factory } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import type { Alert } from '../../pipeline/model.js';
import { DeliveryQueue } from '../delivery/delivery-queue.js';
import { postJson } from '../delivery/http.js';
import { NotificationExporter, StateChanges } from '../delivery/notification-exporter.js';
import { deliveryPolicy } from '../delivery/policy.js';
import { deliveryTelemetry } from '../delivery/telemetry.js';
import { createDefaultConfig, freeformKeys, validate, type WebhookConfig } from './config.js';
import { webhookMessage } from './payload.js';

/** Alerts per notification after an outage. */
const MAX_ALERTS_PER_MESSAGE = 100;

export const webhookFactory: Factory<WebhookConfig, Exporter> = {
  kind: 'exporter',
  type: 'webhook',
  createDefaultConfig,
  freeformKeys,
  validate,
  create(settings, config) {
    const logger = settings.logger.child({ component: settings.id });
    const drainMs = parseDuration(config.timeout) ?? 10_000;
    if (config.url === '') {
      logger.error('webhook: no url set; webhook notifications are off');
      return new NotificationExporter<Alert>([], () => [], drainMs);
    }
    const queue = new DeliveryQueue<Alert>(
      {
        description: `webhook ${settings.id}`,
        send: (alerts, signal) => postJson(config.url, webhookMessage(alerts, settings.id), signal, config.headers),
      },
      deliveryPolicy(config, MAX_ALERTS_PER_MESSAGE),
      logger,
      deliveryTelemetry(settings.meter, settings.id, 'webhook'),
    );
    const changes = new StateChanges();
    return new NotificationExporter([queue], (alerts) => changes.filter(alerts), drainMs);
  },
};
