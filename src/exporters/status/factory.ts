// The `status` exporter: a small HTML status page and /status.json (services, baselines vs current,
// targets and breaches, firing and recent alerts), usable in the agent and in the collector.

import type { Factory } from '../../pipeline/component.js';
import { createDefaultConfig, validate, type StatusExporterConfig } from './config.js';
import { StatusExporter } from './exporter.js';

export const statusExporterFactory: Factory<StatusExporterConfig, StatusExporter> = {
  kind: 'exporter',
  type: 'status',
  createDefaultConfig,
  validate,
  create: (settings, config) => new StatusExporter(settings, config),
};
