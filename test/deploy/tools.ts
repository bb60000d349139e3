// Runs the Debian Prometheus/Alertmanager command-line tools on the files in deploy/ and reports what
// they printed, so a failing check shows the tool's own explanation.

import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const deployDir = join(repoRoot, 'deploy');

export interface ToolResult {
  code: number;
  output: string;
}

export function runTool(command: string, args: string[], cwd = deployDir): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
