// The rows shared by the terminal and Markdown reports: one per scenario × metric.

import { formatConfidence, formatValue } from '../compare.js';
import type { BenchReport } from '../report.js';
import type { AgentDelta } from '../agent-metrics.js';

export const COLUMNS = ['scenario', 'metric', 'baseline', 'current', 'change', 'confidence', 'severity', 'target', 'result'] as const;

function signedPercent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const text = `${(Math.abs(value) * 100).toFixed(1)}%`;
  return value >= 0 ? `+${text}` : `−${text}`;
}

export function resultWord(failed: boolean, regression: boolean): string {
  if (failed) return 'FAIL';
  return regression ? 'warn' : 'ok';
}

export function checkRows(report: BenchReport): string[][] {
  return report.scenarios.flatMap((s) =>
    s.checks.map((c) => [
      s.name,
      c.metric,
      formatValue(c.metric, c.baseline),
      formatValue(c.metric, c.current),
      signedPercent(c.baseline === undefined ? undefined : (c.current - c.baseline) / c.baseline),
      // How sure it got worse: meaningless for an improvement.
      c.degradation !== undefined && c.degradation > 0 && c.confidence !== undefined ? formatConfidence(c.confidence) : '—',
      c.severity ?? '—',
      c.target === undefined ? '—' : `${c.metric === 'throughput' ? '≥' : '≤'} ${formatValue(c.metric, c.target)}`,
      resultWord(c.failed, c.regression),
    ]),
  );
}

/** One line per agent fact: `db: db_system=postgresql … 120 ops, mean 3.2 ms`. */
export function agentLines(agent: AgentDelta): string[] {
  const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;
  const signedMib = (bytes: number): string => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;
  const lines = agent.db.map((op) => `db ${op.operation || '(all)'}: ${op.count} operations, mean ${op.meanMs.toFixed(2)} ms`);
  if (agent.cpuUtilization !== undefined) lines.push(`cpu utilization: ${(agent.cpuUtilization * 100).toFixed(1)}%`);
  if (agent.rssBytes !== undefined) lines.push(`rss: ${mib(agent.rssBytes)}${agent.rssDeltaBytes === undefined ? '' : ` (${signedMib(agent.rssDeltaBytes)} during the runs)`}`);
  if (agent.heapUsedDeltaBytes !== undefined) lines.push(`heap used: ${signedMib(agent.heapUsedDeltaBytes)} during the runs`);
  return lines;
}

export function verdictLine(report: BenchReport): string {
  const failing = report.scenarios.flatMap((s) => s.checks.filter((c) => c.failed).map((c) => `${s.name} ${c.metric}`));
  if (failing.length === 0) return `PASSED: all ${report.scenarios.length} scenario(s) within bounds (fail-on ${report.failOn})`;
  return `FAILED: ${failing.length} check(s) failed (fail-on ${report.failOn}): ${failing.join(', ')}`;
}
