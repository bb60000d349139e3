import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentLogger } from '../../instrumentation/logger.js';

describe('createAgentLogger', () => {
  it('writes JSON lines to IORA_LOG_FILE at the chosen level, creating its directory', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'iora-agent-log-')), 'nested', 'agent.log');
    const logger = createAgentLogger('warn', file);
    logger.info('not at this level');
    logger.warn('iora agent config: something is off');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; name: string });
    expect(lines.map((l) => l.msg)).toEqual(['iora agent config: something is off']);
    expect(lines[0]?.name).toBe('iora-agent');
  });
});
