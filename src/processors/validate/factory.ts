// Factory of the `validate` processor (see processor.ts).

import type { Factory, Processor } from '../../pipeline/component.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type ValidateConfig } from './config.js';
import { ValidateStep } from './processor.js';

export const validateFactory: Factory<ValidateConfig, Processor> = {
  kind: 'processor',
  type: 'validate',
  createDefaultConfig,
  freeformKeys: ['targets'],
  validate,
  create: (settings, config, next) => createProcessor(settings, next, new ValidateStep(config, settings.logger)),
};
