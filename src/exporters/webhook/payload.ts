// The webhook body: Alertmanager's webhook format (version 4), so receivers that understand
// Alertmanager notifications understand iora's directly.

import type { Alert } from '../../pipeline/model.js';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookMessage {
  version: '4';
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
}

/** Alertmanager writes the zero time for "not ended". */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function fingerprint(labels: Readonly<Record<string, string>>): string {
  // FNV-1a 64-bit over the sorted label pairs: stable across restarts, like Alertmanager's fingerprint.
  let hash = 0xcbf29ce484222325n;
  for (const k of Object.keys(labels).sort()) {
    for (const ch of `${k}\u00ff${labels[k]}\u00ff`) {
      hash ^= BigInt(ch.codePointAt(0)!);
      hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return hash.toString(16).padStart(16, '0');
}

export function webhookMessage(alerts: readonly Alert[], receiver: string): WebhookMessage {
  return {
    version: '4',
    receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      startsAt: new Date(a.startsAtMs).toISOString(),
      endsAt: a.endsAtMs === undefined ? ZERO_TIME : new Date(a.endsAtMs).toISOString(),
      generatorURL: a.generatorURL ?? '',
      fingerprint: fingerprint(a.labels),
    })),
  };
}
