#!/usr/bin/env node
// The `iora` command. Each subcommand lives in its own module exporting `run(args): Promise<number>`
// (the exit code); modules load lazily so `iora check-config` does not pay for the bench's dependencies.

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  collector: { summary: 'run the pipeline as a service: iora collector --config FILE', load: () => import('./collector.js') },
  'check-config': { summary: 'validate a pipeline config: prints "valid" or every problem', load: () => import('./check-config.js') },
  baselines: { summary: 'show learned baselines from the state store: iora baselines --config FILE', load: () => import('./baselines.js') },
  demo: { summary: 'run the example app under the agent, drive load, inject a regression and watch it being found', load: () => import('./demo.js') },
  bench: { summary: 'run load scenarios and fail on performance regressions (CI)', load: () => import('./bench.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return `usage: iora <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`iora: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`iora: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
