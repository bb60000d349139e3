// The specification's Slack message: "🚨 Performance Alert: …" with one attachment coloured by
// severity (critical → danger, high → warning, lower → good) and the fields Metric, Degradation,
// Current Value and Baseline. A resolved alert says so and is green.

import type { Alert } from '../../pipeline/model.js';

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackMessage {
  channel?: string;
  text: string;
  attachments: { color: string; fields: SlackField[]; footer?: string; title_link?: string; title?: string }[];
}

const COLOURS: Readonly<Record<string, string>> = { critical: 'danger', high: 'warning' };

function metricOf(alert: Alert): string {
  const { metric, quantile } = alert.labels;
  if (metric === undefined) return alert.labels.alertname ?? 'unknown';
  return quantile === undefined ? metric : `${metric} (p${Math.round(Number(quantile) * 100)})`;
}

export function slackMessage(alert: Alert, channel: string): SlackMessage {
  const firing = alert.status === 'firing';
  const summary = alert.annotations.summary ?? alert.labels.alertname ?? 'alert';
  const a = alert.annotations;
  const fields: SlackField[] = [{ title: 'Metric', value: metricOf(alert), short: true }];
  if (a.degradation !== undefined) fields.push({ title: 'Degradation', value: a.degradation, short: true });
  if (a.current !== undefined) fields.push({ title: 'Current Value', value: a.current, short: true });
  if (a.baseline !== undefined) fields.push({ title: 'Baseline', value: a.baseline, short: true });
  if (a.target !== undefined) fields.push({ title: 'Target', value: a.target, short: true });
  const attachment: SlackMessage['attachments'][number] = {
    color: firing ? (COLOURS[alert.labels.severity ?? ''] ?? 'good') : 'good',
    title: `${alert.labels.alertname ?? 'alert'} · ${alert.labels.service ?? ''} · ${alert.labels.severity ?? ''}`,
    fields,
  };
  if (alert.generatorURL !== undefined) attachment.title_link = alert.generatorURL;
  const message: SlackMessage = {
    text: firing ? `🚨 Performance Alert: ${summary}` : `✅ Resolved: ${summary}`,
    attachments: [attachment],
  };
  if (channel !== '') message.channel = channel;
  return message;
}
