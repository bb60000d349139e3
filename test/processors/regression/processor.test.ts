import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regressionFactory } from '../../../src/processors/regression/factory.js';
import { caseDirs } from '../step-harness.js';
import { runChainCase } from './chain-harness.js';

const testdata = join(import.meta.dirname, 'testdata');

describe('regression → alert golden steps', () => {
  for (const dir of caseDirs(testdata)) {
    it(basename(dir), async () => {
      await runChainCase(dir);
    });
  }
});

describe('regression config', () => {
  it('default config is valid', () => {
    expect(regressionFactory.validate(regressionFactory.createDefaultConfig())).toEqual([]);
  });

  it('reports every problem with its path', () => {
    const config = {
      ...regressionFactory.createDefaultConfig(),
      quantile: 1.5,
      thresholds: { medium: 0.2, high: 0.15, critical: 0.1 },
      min_samples: 0,
      for: '10 minutes',
      accept_after: '0s',
    };
    expect(regressionFactory.validate(config).map((i) => i.path)).toEqual([
      'quantile', 'thresholds::high', 'thresholds::critical', 'min_samples', 'for', 'accept_after',
    ]);
  });
});
