// The table printed at the end of a bench, for a person reading a terminal or a CI log.

import type { BenchReport } from '../report.js';
import { agentLines, checkRows, COLUMNS, verdictLine } from './table.js';

export function terminalReport(report: BenchReport): string {
  const rows = [[...COLUMNS], ...checkRows(report)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const baseline = report.baseline.recordedAt ? `${report.baseline.path} (recorded ${report.baseline.recordedAt})` : `${report.baseline.path} (none yet)`;
  const out = [`iora bench ${report.file}: ${report.runs} run(s) per scenario, baseline ${baseline}`, '', ...lines, ''];
  for (const s of report.scenarios) {
    const details = [...s.notes, ...s.checks.filter((c) => c.notable).map((c) => `${c.metric}: ${c.summary}`), ...(s.agent ? agentLines(s.agent) : [])];
    if (details.length > 0) out.push(`${s.name}:`, ...details.map((d) => `  ${d}`));
  }
  if (report.baseline.updated) out.push(`baseline written to ${report.baseline.path}`);
  out.push(verdictLine(report));
  return `${out.join('\n')}\n`;
}
