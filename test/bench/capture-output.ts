// Runs `iora bench` in-process and captures what it writes to stdout and stderr.

import { vi } from 'vitest';
import { run } from '../../src/cli/bench.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runBenchCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
