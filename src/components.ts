// Every factory iora knows, in one list: the config loader and the service look components up here.

import type { Factory } from './pipeline/component.js';
import { alertmanagerFactory } from './exporters/alertmanager/factory.js';
import { logExporterFactory } from './exporters/log/factory.js';
import { prometheusExporterFactory } from './exporters/prometheus/factory.js';
import { slackFactory } from './exporters/slack/factory.js';
import { statusExporterFactory } from './exporters/status/factory.js';
import { webhookFactory } from './exporters/webhook/factory.js';
import { alertFactory } from './processors/alert/factory.js';
import { baselineFactory } from './processors/baseline/factory.js';
import { classifyFactory } from './processors/classify/factory.js';
import { leakFactory } from './processors/leak/factory.js';
import { regressionFactory } from './processors/regression/factory.js';
import { validateFactory } from './processors/validate/factory.js';
import { agentReceiverFactory } from './receivers/agent/factory.js';
import { otlpReceiverFactory } from './receivers/otlp/factory.js';

export const receivers: readonly Factory[] = [agentReceiverFactory, otlpReceiverFactory];

export const processors: readonly Factory[] = [
  classifyFactory,
  baselineFactory,
  validateFactory,
  regressionFactory,
  leakFactory,
  alertFactory,
];

export const exporters: readonly Factory[] = [
  prometheusExporterFactory,
  logExporterFactory,
  alertmanagerFactory,
  slackFactory,
  webhookFactory,
  statusExporterFactory,
];
