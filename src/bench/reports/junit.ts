// JUnit XML for CI test tabs: a test suite per scenario, a test case per metric; regressions that
// meet the fail-on policy and breached targets are failures.

import type { BenchReport } from '../report.js';

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const seconds = (s: number): string => s.toFixed(3);

export function junitReport(report: BenchReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = report.scenarios.reduce((n, s) => n + s.checks.length, 0);
  const failures = report.scenarios.reduce((n, s) => n + s.checks.filter((c) => c.failed).length, 0);
  const suiteTime = (s: BenchReport['scenarios'][number]): number => s.runs.reduce((t, r) => t + r.durationS, 0);
  const allTime = report.scenarios.reduce((t, s) => t + suiteTime(s), 0);
  out.push(`<testsuites name="iora bench" tests="${total}" failures="${failures}" errors="0" time="${seconds(allTime)}">`);
  for (const s of report.scenarios) {
    const failed = s.checks.filter((c) => c.failed).length;
    out.push(
      `  <testsuite name="${xml(s.name)}" tests="${s.checks.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(suiteTime(s))}" timestamp="${xml(s.runs[0]?.startedAt ?? report.startedAt)}">`,
    );
    for (const c of s.checks) {
      out.push(`    <testcase classname="iora.bench.${xml(s.name)}" name="${c.metric}" time="0">`);
      if (c.failed) {
        const type = c.targetBreached ? 'target-breach' : `regression-${c.severity ?? 'unknown'}`;
        out.push(`      <failure type="${type}" message="${xml(c.summary)}">${xml(`${s.name} ${c.metric}: ${c.summary}`)}</failure>`);
      }
      out.push(`      <system-out>${xml(c.summary)}</system-out>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
