// `iora bench FILE [options]`: performance regression testing for CI. Exit 0 within bounds, 1 when
// the fail-on policy is met (or a target is breached), 2 on bad input.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from '../bench/bench.js';
import { DEFAULT_BASELINE_PATH } from '../bench/baseline-file.js';
import { FAIL_ON_LEVELS, type FailOn } from '../bench/compare.js';
import { BenchInputError } from '../bench/input-error.js';
import { junitReport } from '../bench/reports/junit.js';
import { markdownReport } from '../bench/reports/markdown.js';
import { terminalReport } from '../bench/reports/terminal.js';

export const USAGE = `usage: iora bench FILE [options]

Runs the load scenarios in FILE (YAML), compares them with the baseline and their targets.

options:
  --baseline PATH        baseline JSON to compare with / record (default ${DEFAULT_BASELINE_PATH})
  --update-baseline      record this measurement as the new baseline (regressions do not fail)
  --runs N               measured runs per scenario, for significance (default 1; 3 or more recommended)
  --json PATH            write the full report as JSON
  --junit PATH           write JUnit XML (a test case per scenario and metric)
  --markdown PATH        write a Markdown summary for a pull-request comment
  --fail-on LEVEL        medium | high | critical: the smallest regression that fails (default high)

exit status: 0 within bounds, 1 regression or target breach, 2 bad input
`;

interface CliOptions {
  file: string;
  baselinePath: string;
  updateBaseline: boolean;
  runs: number;
  failOn: FailOn;
  json?: string;
  junit?: string;
  markdown?: string;
}

function parse(args: string[]): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      'update-baseline': { type: 'boolean' },
      runs: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      'fail-on': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push(positionals.length === 0 ? 'the scenario FILE is required' : `one scenario FILE expected, got ${positionals.length}`);
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) problems.push(`--runs must be a positive integer, got "${values.runs}"`);
  const failOn = (values['fail-on'] ?? 'high') as FailOn;
  if (!FAIL_ON_LEVELS.includes(failOn)) problems.push(`--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}, got "${values['fail-on']}"`);
  if (problems.length > 0) throw new BenchInputError(problems);
  const options: CliOptions = {
    file: positionals[0]!,
    baselinePath: values.baseline ?? DEFAULT_BASELINE_PATH,
    updateBaseline: values['update-baseline'] ?? false,
    runs,
    failOn,
  };
  if (values.json) options.json = values.json;
  if (values.junit) options.junit = values.junit;
  if (values.markdown) options.markdown = values.markdown;
  return options;
}

function writeReport(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Progress bars only on a terminal outside CI; CI logs get plain lines. */
function progressStream(): NodeJS.WritableStream | undefined {
  return process.stderr.isTTY && !process.env.CI ? process.stderr : undefined;
}

export async function run(args: string[]): Promise<number> {
  try {
    const options = parse(args);
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    const stream = progressStream();
    const report = await runBench({
      ...options,
      log: (line) => process.stderr.write(`${line}\n`),
      ...(stream ? { progressStream: stream } : {}),
    });
    process.stdout.write(terminalReport(report));
    if (options.json) writeReport(options.json, `${JSON.stringify(report, null, 2)}\n`);
    if (options.junit) writeReport(options.junit, junitReport(report));
    if (options.markdown) writeReport(options.markdown, markdownReport(report));
    return report.failed ? 1 : 0;
  } catch (err) {
    if (err instanceof BenchInputError) {
      process.stderr.write(err.problems.map((p) => `iora bench: ${p}\n`).join(''));
      return 2;
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`iora bench: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
