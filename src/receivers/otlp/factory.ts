// Factory of the `otlp` receiver (OTLP/HTTP metrics). See receiver.ts for the protocol, config.ts for keys.

import type { Factory } from '../../pipeline/component.js';
import { createDefaultConfig, type OtlpReceiverConfig, validate } from './config.js';
import { OtlpReceiver } from './receiver.js';

export const otlpReceiverFactory: Factory<OtlpReceiverConfig, OtlpReceiver> = {
  kind: 'receiver',
  type: 'otlp',
  createDefaultConfig,
  validate,
  create: (settings, config, next) => new OtlpReceiver(settings, config, next),
};
