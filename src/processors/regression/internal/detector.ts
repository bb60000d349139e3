// The per-series regression state machine, pure: one evaluation in, the new state and what to do out.
//
//   normal ──degraded──► pending ──degraded for `for`──► firing ──not degraded──► normal (resolved)
//              ▲            │not degraded, or no verdict
//              └────────────┘
//
// "Degraded" means all of: the degradation is at least the medium threshold, AND the difference is
// statistically significant (the window's confidence bound lies beyond the baseline's bound on the
// far side), so neither a noisy window nor a shaky baseline can call a regression on its own.
// From the first degraded window the series is held out of its baseline (until recovery, or until
// `accept_after` has passed since the regression began: a deliberate new normal).

import type { Severity } from '../../../pipeline/model.js';
import type { RegressionThresholds } from '../config.js';

export type Phase = 'normal' | 'pending' | 'firing';

export interface DetectorState {
  phase: Phase;
  /** When the current degraded stretch began (pending or firing). */
  sinceMs: number;
}

/** What one window says, already in "bigger is worse" orientation. */
export interface Observation {
  current: number;
  baseline: number;
  /** (current − baseline) / baseline, signed so that positive is worse. */
  degradation: number;
  /** Window bound on the near side of the baseline vs the baseline's bound on the near side of the window. */
  significant: boolean;
}

export interface DetectorRules {
  thresholds: RegressionThresholds;
  forMs: number;
  acceptAfterMs: number;
}

export interface Verdict {
  state: DetectorState;
  /** 0 none, 1 low, 2 medium, 3 high, 4 critical; 0 unless significant. */
  level: number;
  /** 'fire' on the transition to firing, 'firing' on later evaluations while firing, 'resolve' on recovery. */
  event?: 'fire' | 'firing' | 'resolve';
  /** Quarantine action for the source series. */
  hold?: { untilMs: number } | 'release';
}

export const SEVERITY_NAMES: readonly (Severity | undefined)[] = [undefined, 'low', 'medium', 'high', 'critical'];

export function severityLevel(degradation: number, t: RegressionThresholds): number {
  if (degradation >= t.critical) return 4;
  if (degradation >= t.high) return 3;
  if (degradation >= t.medium) return 2;
  return degradation > 0 ? 1 : 0;
}

export const NORMAL: DetectorState = { phase: 'normal', sinceMs: 0 };

/**
 * A window that allows no verdict (too few samples, baseline not ready) is no evidence of a regression:
 * a pending one starts over (as a Prometheus rule without data), a firing one stays as it is.
 */
export function withoutVerdict(state: DetectorState): Pick<Verdict, 'state' | 'hold'> {
  return state.phase === 'pending' ? { state: NORMAL, hold: 'release' } : { state };
}

export function evaluate(state: DetectorState, obs: Observation, nowMs: number, rules: DetectorRules): Verdict {
  const level = obs.significant ? severityLevel(obs.degradation, rules.thresholds) : 0;
  const degraded = level >= 2;
  if (!degraded) {
    if (state.phase === 'normal') return { state, level };
    return { state: NORMAL, level, event: state.phase === 'firing' ? 'resolve' : undefined, hold: 'release' };
  }
  const sinceMs = state.phase === 'normal' ? nowMs : state.sinceMs;
  const hold = { untilMs: sinceMs + rules.acceptAfterMs };
  if (state.phase === 'firing') return { state, level, event: 'firing', hold };
  if (nowMs - sinceMs >= rules.forMs) return { state: { phase: 'firing', sinceMs }, level, event: 'fire', hold };
  return { state: { phase: 'pending', sinceMs }, level, hold };
}
