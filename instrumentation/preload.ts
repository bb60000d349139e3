// Shared by the ESM and CJS entries: start the agent once per process, flush on a normal exit, and never
// let a failure reach the app. No signal handlers: how the app exits on SIGTERM is the app's business.
// Only the main thread runs the agent: worker threads inherit --require/--import (Node's own loader-hooks
// worker among them), and an agent per worker would patch twice and fight over the metrics port.

import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { startAgent, type Agent } from './agent.js';

const started = Symbol.for('iora.agent.started');
/**
 * beforeExit also fires while an app is still starting (an empty event loop between two awaits of its
 * top-level code), so it only flushes — the agent keeps running — and the flush's own async work, which
 * re-arms beforeExit, is not followed by another flush within this window.
 */
const EXIT_FLUSH_QUIET_MS = 1000;

/**
 * `NODE_OPTIONS="--import iora/register" npm start` preloads the agent into npm itself too, which would take
 * the metrics port before the app does. Package-manager CLIs are not apps: the agent stays out of them.
 */
export function isPackageManagerCli(script: string | undefined): boolean {
  return /^(npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack|bun)(-cli)?(\.c?js)?$/.test(path.basename(script ?? ''));
}

export function startAgentSafely(baseUrl: string, registerEsmHook: boolean): Agent | undefined {
  const g = globalThis as { [started]?: boolean };
  // Started already: both --import and --require given, or NODE_OPTIONS plus a flag.
  if (g[started] || !isMainThread || isPackageManagerCli(process.argv[1])) return undefined;
  g[started] = true;
  try {
    const agent = startAgent({ env: process.env, cwd: process.cwd(), baseUrl, registerEsmHook });
    let lastExitFlush = -Infinity;
    if (agent) {
      process.on('beforeExit', () => {
        if (performance.now() - lastExitFlush < EXIT_FLUSH_QUIET_MS) return;
        lastExitFlush = performance.now();
        void agent.flush();
      });
    }
    return agent;
  } catch (err) {
    process.stderr.write(`iora agent not started, the app runs uninstrumented: ${err instanceof Error ? err.stack : String(err)}\n`);
    return undefined;
  }
}
