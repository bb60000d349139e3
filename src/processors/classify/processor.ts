// classify: adds `iora_operation_class` to every point that belongs to one of the spec's operation
// classes (API by route pattern, DB by query class, connection acquisition, cache, block processing), so
// baseline, validate and the dashboards can group and judge by class. Other points flow on unchanged.

import type { ProcessorStep } from '../../pipeline/processor-helper.js';
import type { Metric, MetricBatch, ResourceMetrics, ScopeMetrics } from '../../pipeline/model.js';
import type { ClassifyConfig } from './config.js';
import { Classifier } from './internal/classifier.js';

export const OPERATION_CLASS_ATTRIBUTE = 'iora_operation_class';

/**
 * The pure step. A receiver's batch may be shared by several pipelines, so it is copied on write: only
 * the metrics with a classified point get new objects, everything else is passed on as it came.
 */
export class ClassifyStep implements ProcessorStep {
  readonly classifier: Classifier;

  constructor(config: ClassifyConfig) {
    this.classifier = new Classifier(config);
  }

  process(batch: MetricBatch): MetricBatch {
    return { ...batch, resourceMetrics: batch.resourceMetrics.map((rm) => this.resource(rm)) };
  }

  private resource(rm: ResourceMetrics): ResourceMetrics {
    const scopes = rm.scopes.map((sm) => this.scope(sm));
    return scopes.every((s, i) => s === rm.scopes[i]) ? rm : { ...rm, scopes };
  }

  private scope(sm: ScopeMetrics): ScopeMetrics {
    const metrics = sm.metrics.map((m) => this.metric(m));
    return metrics.every((m, i) => m === sm.metrics[i]) ? sm : { ...sm, metrics };
  }

  private metric(metric: Metric): Metric {
    let changed = false;
    const points = metric.points.map((point) => {
      if (point.attributes[OPERATION_CLASS_ATTRIBUTE] !== undefined) return point;
      const operationClass = this.classifier.classify(metric.name, point.attributes);
      if (operationClass === undefined) return point;
      changed = true;
      return { ...point, attributes: { ...point.attributes, [OPERATION_CLASS_ATTRIBUTE]: operationClass } };
    });
    return changed ? ({ ...metric, points } as Metric) : metric;
  }
}
