// `iora demo [--duration D] [--port N] [--no-regression]`: see src/demo/demo.ts. Ctrl-C or SIGTERM stops
// the load and the app and exits 0.

import { runDemo } from '../demo/demo.js';
import { DEMO_USAGE, parseDemoArgs } from '../demo/options.js';
import { DemoOutput } from '../demo/output.js';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(DEMO_USAGE);
    return 0;
  }
  const parsed = parseDemoArgs(args);
  if ('problems' in parsed) {
    process.stderr.write(`${parsed.problems.map((p) => `iora demo: ${p}`).join('\n')}\n\n${DEMO_USAGE}`);
    return 2;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = parsed.options.durationMs === undefined ? undefined : setTimeout(onSignal, parsed.options.durationMs);
  try {
    return await runDemo(parsed.options, new DemoOutput(), stop.signal);
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
