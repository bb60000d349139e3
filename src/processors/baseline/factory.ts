// Factory of the `baseline` processor (see processor.ts).

import type { Factory, Processor } from '../../pipeline/component.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type BaselineConfig } from './config.js';
import { BaselineStep } from './processor.js';

export const baselineFactory: Factory<BaselineConfig, Processor> = {
  kind: 'processor',
  type: 'baseline',
  createDefaultConfig,
  validate,
  create: (settings, config, next) => createProcessor(settings, next, new BaselineStep(settings, config)),
};
