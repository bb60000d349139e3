// `iora collector --config FILE`: runs the pipeline as a standalone service (agents push OTLP to it) until
// SIGTERM or SIGINT, then shuts down gracefully: receivers stop taking data, the last self-telemetry is
// flushed through the pipeline, listeners close, exit 0. A bad config or a failed start (port in use)
// exits 1 with the reason.

import { hostname } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../pipeline/config.js';
import { Service } from '../pipeline/service.js';
import { applyCollectorHeapPolicy } from './heap-policy.js';

const USAGE = 'usage: iora collector --config FILE\n';

function configPath(args: string[]): string | undefined {
  const [flag, value, ...rest] = args;
  if (rest.length > 0) return undefined;
  if (flag === '--config' && value !== undefined) return value;
  if (flag?.startsWith('--config=') && value === undefined) return flag.slice('--config='.length);
  return undefined;
}

export async function run(args: string[]): Promise<number> {
  const file = configPath(args);
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { config, errors } = loadConfig(file);
  if (!config) {
    process.stderr.write(`iora collector: invalid config ${file}\n${errors.map((e) => `  ${e}\n`).join('')}`);
    return 1;
  }
  const logger = pino({ name: 'iora-collector', level: config.telemetry.logs.level }, pino.destination({ fd: 2, sync: true }));
  const heapFlags = applyCollectorHeapPolicy();
  if (heapFlags.length > 0) logger.debug({ flags: heapFlags }, 'heap policy: %s', heapFlags.join(' '));
  const service = new Service(config, {
    logger,
    resource: { 'service.name': 'iora-collector', 'service.instance.id': `${hostname()}:${process.pid}` },
  });
  try {
    await service.start();
  } catch (err) {
    process.stderr.write(`iora collector: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // Listeners are unref'ed (they must never keep an app alive in embedded mode); this keeps the collector up.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down');
  // A second signal while shutting down means "now".
  const force = (): void => process.exit(130);
  process.once('SIGTERM', force);
  process.once('SIGINT', force);
  try {
    await service.shutdown();
    logger.info('stopped');
    return 0;
  } catch (err) {
    process.stderr.write(`iora collector: shutdown: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    clearInterval(keepAlive);
  }
}
