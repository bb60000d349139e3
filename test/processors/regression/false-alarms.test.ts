// No alert from noise: stationary traffic over simulated days raises nothing with the default
// settings (1-minute windows judged every minute, `for: 5m`) and every signal on, although single
// windows do test significant now and then — continuous evidence for `for` is what keeps those from
// paging. See false-alarm-simulation.ts. The figures are printed for the record; FALSE_ALARM_SERIES
// and FALSE_ALARM_DAYS scale the run up by hand.

import { describe, expect, it } from 'vitest';
import { simulate } from './false-alarm-simulation.js';

const series = Number(process.env.FALSE_ALARM_SERIES ?? 20);
const days = Number(process.env.FALSE_ALARM_DAYS ?? 3);

describe('false alarms on stationary traffic', () => {
  it('latency, error-ratio and throughput-drop signals: no alert', async () => {
    const result = await simulate({
      series, days, windowMinutes: 1, seed: 42,
      regression: { signals: { latency: true, error_ratio: true, throughput_drop: true } },
    });
    console.log(`false alarms: ${JSON.stringify(result)}`);
    expect(result.windows).toBe(series * days * 1440);
    expect(result.significantWindows, 'single windows do test significant: the check is not vacuous').toBeGreaterThan(0);
    expect(result.alerts).toBe(0);
  }, Math.max(300_000, ((series * days) / 60) * 300_000));
});
