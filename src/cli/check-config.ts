// `iora check-config FILE`: load a pipeline config as the agent and the collector would, print `valid`
// or every problem (path and line), and exit non-zero when there is any.

import { loadConfig } from '../pipeline/config.js';

export async function run(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0]?.startsWith('-')) {
    process.stderr.write('usage: iora check-config FILE\n');
    return 2;
  }
  const file = args[0] as string;
  const { errors } = loadConfig(file);
  if (errors.length === 0) {
    process.stdout.write('valid\n');
    return 0;
  }
  const noun = errors.length === 1 ? 'problem' : 'problems';
  process.stderr.write(`${file}: ${errors.length} ${noun}\n${errors.map((e) => `  ${e}\n`).join('')}`);
  return 1;
}
