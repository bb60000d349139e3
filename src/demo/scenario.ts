// The demo's story, decided from status snapshots: learn, inject a slowdown once the baselines are ready,
// and remove it again once its alert has fired for a while, so the finding and the alert resolve too.

import type { StatusSnapshot } from '../exporters/status/board.js';
import { routesReady } from './watch.js';

/**
 * Load before injecting: the app's first seconds (cold JIT, new connections) are slow and land in the
 * baseline; by then later, normal windows outnumber them.
 */
export const WARMUP_MS = 30_000;
/** How long the latency alert fires before the slowdown is removed (the "fix" being deployed). */
export const FIX_AFTER_MS = 20_000;

export type ScenarioAction = { kind: 'inject' } | { kind: 'fix' };

export class RegressionScenario {
  private phase: 'learning' | 'injected' | 'fixed' = 'learning';
  private alertSinceMs: number | undefined;

  /** `routes`: `METHOD /route` of every route the load drives; times are the demo's wall clock. */
  constructor(
    private readonly routes: readonly string[],
    private readonly loadStartedMs: number,
  ) {}

  /** What to do now; call `done(action)` once it has been done (a failed request is retried next time). */
  next(snapshot: StatusSnapshot, nowMs: number): ScenarioAction | undefined {
    if (this.phase === 'learning') {
      return nowMs - this.loadStartedMs >= WARMUP_MS && routesReady(snapshot, this.routes) ? { kind: 'inject' } : undefined;
    }
    if (this.phase === 'injected') {
      const firing = snapshot.firingAlerts.some((a) => a.labels['alertname'] === 'IoraLatencyRegression');
      if (!firing) return undefined;
      this.alertSinceMs ??= nowMs;
      return nowMs - this.alertSinceMs >= FIX_AFTER_MS ? { kind: 'fix' } : undefined;
    }
    return undefined;
  }

  done(action: ScenarioAction): void {
    this.phase = action.kind === 'inject' ? 'injected' : 'fixed';
  }
}
