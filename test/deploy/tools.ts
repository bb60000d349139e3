// Runs the Debian Prometheus/Alertmanager command-line tools on the files in deploy/ and reports what
// they printed, so a failing check shows the tool's own explanation.

import { execFile, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const deployDir = join(repoRoot, 'deploy');

export interface ToolResult {
  code: number;
  stdout: string;
  /** stdout and stderr together, for failure messages. */
  output: string;
}

export function runTool(command: string, args: string[], cwd = deployDir): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, output: `${stdout}${stderr}` });
    });
  });
}

/** Polls `probe` until it returns a value; for servers and notifications that arrive asynchronously. */
export async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ends a spawned server and resolves once it has exited, so its data directory can be removed. */
export function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}
