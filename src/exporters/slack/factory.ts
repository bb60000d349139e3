import type { Exporter, Factory } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import { DeliveryQueue } from '../delivery/delivery-queue.js';
import { postJson } from '../delivery/http.js';
import { NotificationExporter, StateChanges } from '../delivery/notification-exporter.js';
import { deliveryPolicy } from '../delivery/policy.js';
import { deliveryTelemetry } from '../delivery/telemetry.js';
import { createDefaultConfig, validate, type SlackConfig } from './config.js';
import { slackMessage, type SlackMessage } from './payload.js';

export const slackFactory: Factory<SlackConfig, Exporter> = {
  kind: 'exporter',
  type: 'slack',
  createDefaultConfig,
  validate,
  create(settings, config) {
    const logger = settings.logger.child({ component: settings.id });
    const drainMs = parseDuration(config.timeout) ?? 10_000;
    if (config.url === '') {
      logger.error('slack: no webhook URL (set url: ${env:SLACK_WEBHOOK_URL} and export SLACK_WEBHOOK_URL); Slack notifications are off');
      return new NotificationExporter<SlackMessage>([], () => [], drainMs);
    }
    // Slack takes one message per request; the description never shows the URL (its path is the secret).
    const queue = new DeliveryQueue<SlackMessage>(
      { description: 'slack webhook', send: ([message], signal) => postJson(config.url, message, signal) },
      deliveryPolicy(config, 1),
      logger,
      deliveryTelemetry(settings.meter, settings.id, 'slack'),
    );
    const changes = new StateChanges();
    return new NotificationExporter([queue], (alerts) => changes.filter(alerts).map((a) => slackMessage(a, config.channel)), drainMs);
  },
};
