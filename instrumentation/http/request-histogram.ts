// The server request duration histogram, aggregated by iora itself and handed to the metric reader as a
// MetricProducer. Why not an SDK Histogram: the SDK hashes the attribute object (sort + JSON.stringify) on
// every record, which was most of the per-request cost measured in bench/agent-record-path.mjs. Here each
// method/route/status series holds its own accumulation — the SDK's exponential-histogram accumulation, so
// buckets, scale and min/max are exactly what an SDK view would produce — and a request is three Map
// lookups keyed by the very strings the framework and HTTP parser hold (their hashes are cached, no key
// string is built) plus one bucket increment. Cumulative: accumulations are never reset.

import { ValueType, type Attributes } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InstrumentType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import {
  ExponentialHistogramAggregator,
  type ExponentialHistogramAccumulation,
} from '@opentelemetry/sdk-metrics/build/src/aggregator/ExponentialHistogram.js';
import { AGENT_METER, EXPONENTIAL_MAX_SIZE } from '../views.js';

/** Series beyond this many method/route/status sets go to one overflow series, as the SDK's cardinality limit does. */
const MAX_SERIES = 2000;
const OVERFLOW: Attributes = { 'otel.metric.overflow': true };

interface Series {
  attributes: Attributes;
  accumulation: ExponentialHistogramAccumulation;
}
type ByStatus = Map<number, ExponentialHistogramAccumulation>;

function requestAttributes(method: string, status: number, route: string | undefined): Attributes {
  const attrs: Attributes = { 'http.request.method': method, 'http.response.status_code': status };
  if (route !== undefined) attrs['http.route'] = route;
  if (status >= 500) attrs['error.type'] = String(status);
  return attrs;
}

export class RequestDurationHistogram implements MetricProducer {
  private readonly aggregator = new ExponentialHistogramAggregator(EXPONENTIAL_MAX_SIZE, true);
  /** route ('' for none) → method → status → accumulation; `all` lists every series for collection. */
  private readonly byRoute = new Map<string, Map<string, ByStatus>>();
  private readonly all: Series[] = [];
  private overflow: ExponentialHistogramAccumulation | undefined;
  private readonly startTime = hrTime();
  private readonly descriptor = {
    name: 'http.server.request.duration',
    description: 'Duration of HTTP server requests',
    unit: 's',
    valueType: ValueType.DOUBLE,
    type: InstrumentType.HISTOGRAM,
    advice: {},
  };

  constructor(private readonly resource: Resource) {}

  /** Records one request duration (seconds). */
  record(method: string, status: number, route: string | undefined, seconds: number): void {
    const accumulation = this.byRoute.get(route ?? '')?.get(method)?.get(status) ?? this.addSeries(method, status, route);
    accumulation.record(seconds);
  }

  private addSeries(method: string, status: number, route: string | undefined): ExponentialHistogramAccumulation {
    if (this.all.length >= MAX_SERIES) {
      if (!this.overflow) {
        this.overflow = this.aggregator.createAccumulation(this.startTime);
        this.all.push({ attributes: OVERFLOW, accumulation: this.overflow });
      }
      return this.overflow;
    }
    const accumulation = this.aggregator.createAccumulation(this.startTime);
    this.all.push({ attributes: requestAttributes(method, status, route), accumulation });
    let byMethod = this.byRoute.get(route ?? '');
    if (!byMethod) this.byRoute.set(route ?? '', (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    byStatus.set(status, accumulation);
    return accumulation;
  }

  async collect(): Promise<CollectionResult> {
    const records = this.all.map((s): [Attributes, ExponentialHistogramAccumulation] => [s.attributes, s.accumulation]);
    const data = records.length > 0 ? this.aggregator.toMetricData(this.descriptor, AggregationTemporality.CUMULATIVE, records, hrTime()) : undefined;
    return {
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics: data ? [{ scope: { name: `${AGENT_METER}.http` }, metrics: [data as MetricData] }] : [],
      },
      errors: [],
    };
  }
}
