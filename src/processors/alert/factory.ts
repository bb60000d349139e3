import type { Factory, Processor } from '../../pipeline/component.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type AlertConfig } from './config.js';
import { AlertStep } from './processor.js';

export const alertFactory: Factory<AlertConfig, Processor> = {
  kind: 'processor',
  type: 'alert',
  createDefaultConfig,
  validate,
  create: (settings, config, next) => createProcessor(settings, next, new AlertStep(config)),
};
