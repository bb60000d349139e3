// The alert processor's memory: one entry per alert identity (name + series labels) with its
// lifecycle, cooldown and resend times, and the history of the newest alert events. Bounded: entries
// that are not firing are forgotten oldest-first beyond `history`, and once their cooldown is over.

import type { Alert, Attributes, Finding, Severity } from '../../../pipeline/model.js';
import { annotationsFor, generatorUrl } from './annotations.js';
import { alertKey, alertName, identityLabels } from './naming.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 1, medium: 2, high: 3, critical: 4 };

export interface AlertRules {
  cooldownMs: number;
  resendIntervalMs: number;
  resolveTimeoutMs: number;
  history: number;
  grafanaUrl: string;
}

interface Entry {
  resource: Attributes;
  /** The alert as last sent. */
  alert: Alert;
  severity: Severity;
  /** When it last fired (cooldown counts from here). */
  firedMs: number;
  sentMs: number;
  refreshedMs: number;
}

export interface AlertEvent {
  alert: Alert;
  resource: Attributes;
}

export class AlertBook {
  /** Map order is last-touched order: re-inserted on every state change. */
  private readonly entries = new Map<string, Entry>();
  private readonly events: AlertEvent[] = [];
  private suppressedCount = 0;

  constructor(private readonly rules: AlertRules) {}

  /** Apply one finding at `nowMs`; returns the alerts to send now. */
  apply(finding: Finding, nowMs: number): Alert[] {
    const name = alertName(finding);
    if (name === undefined) return [];
    const identity = identityLabels(name, finding);
    const key = alertKey(identity);
    const entry = this.entries.get(key);
    const firing = entry?.alert.status === 'firing';
    if (finding.resolved === true) return firing ? [this.resolve(key, entry!, nowMs)] : [];
    const severity: Severity = finding.severity ?? 'high';
    if (firing) return this.refresh(key, entry!, finding, identity, severity, nowMs);
    if (entry !== undefined && nowMs - entry.firedMs < this.rules.cooldownMs) {
      this.suppressedCount++;
      return [];
    }
    return [this.fire(key, finding, identity, severity, nowMs)];
  }

  /** Resolve alerts whose findings stopped, and re-send those still firing that are due; call once per batch. */
  tick(nowMs: number): Alert[] {
    const out: Alert[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.alert.status !== 'firing') continue;
      if (nowMs - entry.refreshedMs >= this.rules.resolveTimeoutMs) out.push(this.resolve(key, entry, nowMs));
      else if (nowMs - entry.sentMs >= this.rules.resendIntervalMs) {
        entry.sentMs = nowMs;
        out.push(entry.alert);
      }
    }
    this.forget(nowMs);
    return out;
  }

  /** Firing alerts with their resource, for iora_alerts_firing. */
  *firing(): Iterable<AlertEvent> {
    for (const entry of this.entries.values()) {
      if (entry.alert.status === 'firing') yield { alert: entry.alert, resource: entry.resource };
    }
  }

  /** The newest alert events (fired, resolved), newest first, at most `history`. */
  history(): readonly AlertEvent[] {
    return [...this.events].reverse();
  }

  /** Alerts not raised because they were within their cooldown. */
  get suppressed(): number {
    return this.suppressedCount;
  }

  private fire(key: string, finding: Finding, identity: Record<string, string>, severity: Severity, nowMs: number): Alert {
    const labels = { ...identity, severity };
    const alert: Alert = {
      labels,
      annotations: annotationsFor(finding),
      status: 'firing',
      startsAtMs: nowMs,
    };
    const url = generatorUrl(this.rules.grafanaUrl, labels);
    if (url !== undefined) alert.generatorURL = url;
    this.entries.delete(key);
    this.entries.set(key, { resource: finding.resource, alert, severity, firedMs: nowMs, sentMs: nowMs, refreshedMs: nowMs });
    this.record(alert, finding.resource);
    return alert;
  }

  /**
   * A finding for a firing alert keeps it alive with fresh numbers. Severity only escalates during one
   * firing: the lower-severity alert is resolved and the higher one fires (Alertmanager identifies an
   * alert by all its labels, severity included).
   */
  private refresh(key: string, entry: Entry, finding: Finding, identity: Record<string, string>, severity: Severity, nowMs: number): Alert[] {
    entry.refreshedMs = nowMs;
    if (SEVERITY_RANK[severity] <= SEVERITY_RANK[entry.severity]) {
      entry.alert = { ...entry.alert, annotations: annotationsFor(finding) };
      return [];
    }
    const resolved = this.resolve(key, entry, nowMs);
    return [resolved, this.fire(key, finding, identity, severity, nowMs)];
  }

  private resolve(key: string, entry: Entry, nowMs: number): Alert {
    const alert: Alert = { ...entry.alert, status: 'resolved', endsAtMs: nowMs };
    entry.alert = alert;
    entry.sentMs = nowMs;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.record(alert, entry.resource);
    return alert;
  }

  private record(alert: Alert, resource: Attributes): void {
    this.events.push({ alert, resource });
    // Newest kept: drop from the front (the oldest), unlike the specification's clean-up.
    if (this.events.length > this.rules.history) this.events.shift();
  }

  /** Resolved alerts whose cooldown has passed carry no state worth keeping; beyond `history`, drop the oldest resolved. */
  private forget(nowMs: number): void {
    let excess = this.entries.size - this.rules.history;
    for (const [key, entry] of this.entries) {
      if (entry.alert.status === 'firing') continue;
      if (excess > 0 || nowMs - entry.firedMs >= this.rules.cooldownMs) {
        this.entries.delete(key);
        excess--;
      }
    }
  }
}
