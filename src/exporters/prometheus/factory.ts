// The `prometheus` exporter: text exposition on /metrics for Prometheus to scrape.

import type { Factory } from '../../pipeline/component.js';
import { createDefaultConfig, validate, type PrometheusExporterConfig } from './config.js';
import { PrometheusExporter } from './exporter.js';

export const prometheusExporterFactory: Factory<PrometheusExporterConfig, PrometheusExporter> = {
  kind: 'exporter',
  type: 'prometheus',
  createDefaultConfig,
  validate,
  create: (settings, config) => new PrometheusExporter(settings, config),
};
