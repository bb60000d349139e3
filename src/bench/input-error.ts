// Bad input (a malformed scenario file, an unreachable URL, a failing setup command): the CLI prints
// every message and exits 2, without a stack trace.

export class BenchInputError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'BenchInputError';
    this.problems = problems;
  }
}
