// iora's Alert → Alertmanager API v2 `postableAlert`. A firing alert carries no endsAt, so
// Alertmanager keeps it for its resolve_timeout (5m by default) after each (re-)send; the alert
// processor re-sends firing alerts every resend_interval, well inside that. A resolved alert carries
// endsAt, which resolves it at once.

import type { Alert } from '../../pipeline/model.js';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export function toPostableAlert(alert: Alert): PostableAlert {
  const out: PostableAlert = {
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: new Date(alert.startsAtMs).toISOString(),
  };
  if (alert.status === 'resolved' && alert.endsAtMs !== undefined) out.endsAt = new Date(alert.endsAtMs).toISOString();
  if (alert.generatorURL !== undefined) out.generatorURL = alert.generatorURL;
  return out;
}
