// A Markdown summary to post as a pull-request comment.

import type { BenchReport } from '../report.js';
import { agentLines, checkRows, COLUMNS, verdictLine } from './table.js';

const pct = (ratio: number): string => `${Math.round(ratio * 1000) / 10}%`;
const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

export function markdownReport(report: BenchReport): string {
  const out: string[] = [];
  out.push(`### ${report.failed ? '❌' : '✅'} iora bench: ${escapeCell(verdictLine(report))}`, '');
  out.push(`| ${COLUMNS.join(' | ')} |`, `| ${COLUMNS.map(() => '---').join(' | ')} |`);
  for (const row of checkRows(report)) out.push(`| ${row.map((cell, i) => (i === 8 && cell === 'FAIL' ? '**FAIL**' : escapeCell(cell))).join(' | ')} |`);
  out.push('');
  for (const s of report.scenarios) {
    const details = [...s.notes, ...s.checks.filter((c) => c.notable).map((c) => `\`${c.metric}\`: ${c.summary}`)];
    if (details.length > 0) out.push(`**${s.name}**`, '', ...details.map((d) => `- ${d}`), '');
    if (s.agent) out.push('<details><summary>agent metrics during the runs</summary>', '', ...agentLines(s.agent).map((l) => `- ${l}`), '', '</details>', '');
  }
  const baseline = report.baseline.recordedAt ? `baseline recorded ${report.baseline.recordedAt}` : 'no baseline yet';
  out.push(
    `<sub>${report.runs} run(s) per scenario; ${baseline}; a change counts when ≥ ${(report.confidenceLevel * 100).toFixed(0)}% sure; ` +
      `severities medium ≥ ${pct(report.thresholds.medium)}, high ≥ ${pct(report.thresholds.high)}, critical ≥ ${pct(report.thresholds.critical)}.</sub>`,
  );
  return `${out.join('\n')}\n`;
}
