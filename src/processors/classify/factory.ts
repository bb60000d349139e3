// Factory of the `classify` processor (see processor.ts).

import type { Factory, Processor } from '../../pipeline/component.js';
import { createProcessor } from '../../pipeline/processor-helper.js';
import { createDefaultConfig, validate, type ClassifyConfig } from './config.js';
import { ClassifyStep } from './processor.js';

export const classifyFactory: Factory<ClassifyConfig, Processor> = {
  kind: 'processor',
  type: 'classify',
  createDefaultConfig,
  freeformKeys: ['operations', 'metrics'],
  validate,
  create: (settings, config, next) => createProcessor(settings, next, new ClassifyStep(config)),
};
