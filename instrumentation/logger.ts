// The agent's own log: pino, synchronous writes to stderr or IORA_LOG_FILE (never the app's stdout).
// No transport: a transport starts a worker thread, and a worker inheriting `--import iora/register`
// would preload the agent into itself; direct writes avoid that by construction.

import pino, { type Logger } from 'pino';
import type { LogLevel } from './settings.js';

export function createAgentLogger(level: LogLevel, file: string | undefined): Logger {
  const options = { name: 'iora-agent', level };
  if (file) {
    try {
      return pino(options, pino.destination({ dest: file, mkdir: true, sync: true }));
    } catch (err) {
      const logger = pino(options, pino.destination({ fd: 2, sync: true }));
      logger.error({ err }, `cannot open IORA_LOG_FILE ${file}; logging to stderr`);
      return logger;
    }
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}
