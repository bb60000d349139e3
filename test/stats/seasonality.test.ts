import { describe, expect, it } from 'vitest';
import { autocorrelation, seasonality } from '../../src/stats/seasonality.js';
import { normalSampler, seededRandom } from './random.js';

const noise = normalSampler(seededRandom(9));

function hourly(days: number, f: (hour: number) => number): number[] {
  return Array.from({ length: days * 24 }, (_, h) => f(h));
}

describe('seasonality', () => {
  it('detects a daily pattern with noise', () => {
    const values = hourly(7, (h) => 100 + 30 * Math.sin((2 * Math.PI * h) / 24) + 5 * noise());
    const s = seasonality(values, 24)!;
    expect(s.detected).toBe(true);
    expect(s.strength).toBeGreaterThan(0.8);
  });

  it('finds no season in noise, a constant, or a trend', () => {
    expect(seasonality(hourly(7, () => 100 + 5 * noise()), 24)!.detected).toBe(false);
    expect(seasonality(hourly(7, () => 100), 24)!.strength).toBe(0);
    const trend = seasonality(hourly(7, (h) => 100 + h + noise()), 24)!;
    expect(trend.detected).toBe(false);
  });

  it('needs at least three seasons (a weekly pattern in one week is undetermined)', () => {
    expect(seasonality(hourly(2, (h) => Math.sin((2 * Math.PI * h) / 24)), 24)).toBeUndefined();
    expect(seasonality(hourly(7, (h) => (Math.floor(h / 24) % 7 < 5 ? 100 : 50)), 168)).toBeUndefined();
  });

  it('detects a weekday/weekend pattern over three weeks', () => {
    const values = hourly(21, (h) => (Math.floor(h / 24) % 7 < 5 ? 100 : 50) + 3 * noise());
    expect(seasonality(values, 168)!.detected).toBe(true);
  });

  it('tolerates gaps (hours without data)', () => {
    const values: Array<number | undefined> = hourly(7, (h) => 100 + 30 * Math.sin((2 * Math.PI * h) / 24));
    for (let h = 0; h < values.length; h += 5) values[h] = undefined;
    expect(seasonality(values, 24)!.detected).toBe(true);
    expect(autocorrelation([1, 2], 5)).toBeNaN();
  });
});
