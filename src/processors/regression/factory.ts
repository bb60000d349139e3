import type { Factory, Processor } from '../../pipeline/component.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type RegressionConfig } from './config.js';
import { RegressionStep } from './processor.js';

export const regressionFactory: Factory<RegressionConfig, Processor> = {
  kind: 'processor',
  type: 'regression',
  createDefaultConfig,
  validate,
  create: (settings, config, next) => createProcessor(settings, next, new RegressionStep(config, settings)),
};
