// `iora demo` flags.

import { parseDuration } from '../pipeline/duration.js';

export interface DemoOptions {
  /** Stop after this long; undefined runs until Ctrl-C / SIGTERM. */
  durationMs?: number;
  /** The example app's HTTP port. */
  port: number;
  /** The agent's /metrics port and the status page's port. */
  metricsPort: number;
  statusPort: number;
  /** Inject the latency regression once the baselines are ready. */
  regression: boolean;
  /** Latency added to every route by the injected regression. */
  slowdownMs: number;
}

export const DEMO_USAGE = `usage: iora demo [--duration 90s] [--port 3000] [--metrics-port 9464] [--status-port 9465] [--no-regression] [--slowdown 30ms]

Runs the example app (examples/demo-app.mjs) under the agent with pipelines/demo.yaml, drives load at it,
injects a latency regression once its baselines are ready and shows the findings and alerts as they happen.
  --duration D     stop after D (90s, 2m, or seconds); default: until Ctrl-C
  --port N         the example app's port (default 3000)
  --metrics-port N the agent's /metrics port (default 9464)
  --status-port N  the status page's port (default 9465)
  --no-regression  only learn and watch; inject nothing
  --slowdown D     latency the regression adds to every route (default 30ms)
`;

function port(value: string | undefined, flag: string, problems: string[]): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1 || n > 65535) problems.push(`${flag} needs a port number from 1 to 65535, got ${JSON.stringify(value ?? '')}`);
  return n;
}

/** A duration string (`90s`, `2m`, `30ms`); a bare number is seconds where `bareSeconds` says so. */
function duration(value: string | undefined, flag: string, problems: string[], bareSeconds = false): number {
  const ms = bareSeconds && value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : parseDuration(value ?? '');
  if (ms === undefined || !(ms > 0)) problems.push(`${flag} needs a duration such as 90s or 2m, got ${JSON.stringify(value ?? '')}`);
  return ms ?? 0;
}

/** Every problem with the flags at once, or the options. */
export function parseDemoArgs(args: readonly string[]): { options: DemoOptions } | { problems: string[] } {
  const options: DemoOptions = { port: 3000, metricsPort: 9464, statusPort: 9465, regression: true, slowdownMs: 30 };
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--duration':
        options.durationMs = duration(value(), flag, problems, true);
        break;
      case '--port':
        options.port = port(value(), flag, problems);
        break;
      case '--metrics-port':
        options.metricsPort = port(value(), flag, problems);
        break;
      case '--status-port':
        options.statusPort = port(value(), flag, problems);
        break;
      case '--slowdown':
        options.slowdownMs = duration(value(), flag, problems);
        break;
      case '--no-regression':
        options.regression = false;
        break;
      default:
        problems.push(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  const ports = [options.port, options.metricsPort, options.statusPort];
  if (new Set(ports).size !== ports.length) problems.push(`--port, --metrics-port and --status-port must differ (got ${ports.join(', ')})`);
  return problems.length > 0 ? { problems } : { options };
}
