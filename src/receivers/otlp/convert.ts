// OTLP ExportMetricsServiceRequest (decoded from protobuf or JSON) → iora's MetricBatch.
// - Times: nanoseconds → milliseconds. Start times pass through untouched, so a reset (a new start time on a
//   cumulative series) reaches downstream as a new startTimeMs; temporality passes through as sent.
// - Attributes are flattened to string | number | boolean: arrays joined with ',' (as the agent does),
//   key-value lists as JSON, bytes as base64; attributes without a value are dropped; values nested deeper
//   than 8 levels reject their point.
// - Invalid data points are rejected one by one (OTLP partial success) with a reason; the rest go on:
//   non-finite values, counts that do not add up, histogram bounds/bucket mismatches, missing timestamps,
//   unspecified temporality, a metric without a name.
// - Summaries are rejected as partial success: iora's statistics need histograms, and a summary's
//   precomputed quantiles cannot be merged across instances or windows.
// - Points flagged NO_RECORDED_VALUE (Prometheus staleness markers) are skipped without counting as rejected.
// - Structural errors (a list where an object belongs…) make the whole request malformed (MalformedError).

import type {
  AttributeValue,
  Attributes,
  ExponentialBuckets,
  ExponentialHistogramPoint,
  HistogramPoint,
  Metric,
  MetricBatch,
  NumberPoint,
  ResourceMetrics,
  ScopeMetrics,
  Temporality,
} from '../../pipeline/model.js';
import {
  InvalidPointError,
  MalformedError,
  type Message,
  bool,
  double,
  doubleList,
  enumValue,
  field,
  has,
  int64,
  message,
  messages,
  string,
  uint64,
  uint64List,
} from './fields.js';

export interface Conversion {
  batch: MetricBatch;
  acceptedPoints: number;
  rejectedPoints: number;
  /** Why points were rejected: the first few distinct reasons, for the partial-success error message. */
  reasons: string[];
}

const MAX_REASONS = 5;
const NO_RECORDED_VALUE = 1;
const NS_PER_MS = 1e6;
const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

class Rejections {
  count = 0;
  readonly reasons: string[] = [];

  add(points: number, reason: string): void {
    this.count += points;
    if (this.reasons.length < MAX_REASONS && !this.reasons.includes(reason)) this.reasons.push(reason);
  }
}

/** Adds the list index to a structural error's path while the stack unwinds. */
function inside<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof MalformedError) throw err.within(path);
    throw err;
  }
}

export function convertRequest(request: Message): Conversion {
  const rejections = new Rejections();
  const resourceMetrics: ResourceMetrics[] = [];
  let accepted = 0;
  messages(request, 'resourceMetrics').forEach((rm, i) =>
    inside(`resourceMetrics[${i}]`, () => {
      const scopes: ScopeMetrics[] = [];
      messages(rm, 'scopeMetrics').forEach((sm, j) =>
        inside(`scopeMetrics[${j}]`, () => {
          const metrics: Metric[] = [];
          messages(sm, 'metrics').forEach((m, k) =>
            inside(`metrics[${k}]`, () => {
              const metric = convertMetric(m, rejections);
              if (metric && metric.points.length > 0) {
                metrics.push(metric);
                accepted += metric.points.length;
              }
            }),
          );
          if (metrics.length > 0) scopes.push({ scope: convertScope(message(sm, 'scope')), metrics });
        }),
      );
      if (scopes.length > 0) {
        resourceMetrics.push({ resource: resourceAttributes(rm), scopes });
      }
    }),
  );
  return {
    batch: { resourceMetrics },
    acceptedPoints: accepted,
    rejectedPoints: rejections.count,
    reasons: rejections.reasons,
  };
}

/** A bad value in the resource spoils every point under it, so it makes the request malformed. */
function resourceAttributes(rm: Message): Attributes {
  const resource = message(rm, 'resource');
  if (!resource) return {};
  try {
    return attributes(resource, 'attributes');
  } catch (err) {
    if (err instanceof InvalidPointError) throw new MalformedError('resource.attributes', err.message);
    throw err;
  }
}

function convertScope(scope: Message | undefined): ScopeMetrics['scope'] {
  if (!scope) return { name: '' };
  const version = string(scope, 'version');
  return version ? { name: string(scope, 'name'), version } : { name: string(scope, 'name') };
}

type MetricBase = Pick<Metric, 'name' | 'description' | 'unit'>;
type DataKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
const DATA_KINDS: readonly DataKind[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

function convertMetric(m: Message, rejections: Rejections): Metric | undefined {
  const kind = DATA_KINDS.find((k) => has(m, k));
  if (kind === undefined) return undefined;
  const base = { name: string(m, 'name'), description: string(m, 'description'), unit: string(m, 'unit') };
  return inside(kind, () => convertData(base, kind, message(m, kind) as Message, rejections));
}

function convertData(base: MetricBase, kind: DataKind, data: Message, rejections: Rejections): Metric | undefined {
  const points = messages(data, 'dataPoints');
  if (base.name === '') {
    if (points.length > 0) rejections.add(points.length, 'metric without a name');
    return undefined;
  }
  const where = `metric "${base.name}"`;
  if (kind === 'summary') {
    if (points.length > 0) rejections.add(points.length, `${where}: summaries are not supported, send a histogram`);
    return undefined;
  }
  if (kind === 'gauge') return { ...base, kind: 'gauge', points: convertPoints(points, numberPoint, where, rejections) };

  const temporality = temporalityOf(data);
  if (temporality === undefined) {
    if (points.length > 0) rejections.add(points.length, `${where}: aggregation_temporality is unspecified`);
    return undefined;
  }
  switch (kind) {
    case 'sum':
      return {
        ...base,
        kind: 'sum',
        temporality,
        monotonic: bool(data, 'isMonotonic'),
        points: convertPoints(points, numberPoint, where, rejections),
      };
    case 'histogram':
      return { ...base, kind: 'histogram', temporality, points: convertPoints(points, histogramPoint, where, rejections) };
    case 'exponentialHistogram':
      return {
        ...base,
        kind: 'exponential_histogram',
        temporality,
        points: convertPoints(points, exponentialPoint, where, rejections),
      };
  }
}

function temporalityOf(data: Message): Temporality | undefined {
  switch (enumValue(data, 'aggregationTemporality', TEMPORALITY_NAMES)) {
    case 1:
      return 'delta';
    case 2:
      return 'cumulative';
    default:
      return undefined;
  }
}

function convertPoints<P>(
  points: readonly Message[],
  convert: (p: Message) => P,
  where: string,
  rejections: Rejections,
): P[] {
  const out: P[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Message;
    if ((Number(field(p, 'flags') ?? 0) & NO_RECORDED_VALUE) !== 0) continue;
    try {
      out.push(convert(p));
    } catch (err) {
      if (err instanceof MalformedError) throw err.within(`dataPoints[${i}]`);
      if (!(err instanceof InvalidPointError)) throw err;
      rejections.add(1, `${where}: ${err.message}`);
    }
  }
  return out;
}

function finite(value: number | undefined, key: string): number {
  if (value === undefined) throw new InvalidPointError(`${key} is missing`);
  if (!Number.isFinite(value)) throw new InvalidPointError(`${key} must be finite, got ${value}`);
  return value;
}

function optionalFinite(p: Message, key: string): number | undefined {
  const v = double(p, key);
  return v === undefined ? undefined : finite(v, key);
}

function timeMs(p: Message): number {
  const time = uint64(p, 'timeUnixNano');
  if (time === 0) throw new InvalidPointError('timeUnixNano is missing');
  return time / NS_PER_MS;
}

function startTimeMs(p: Message): number {
  return uint64(p, 'startTimeUnixNano') / NS_PER_MS;
}

function numberPoint(p: Message): NumberPoint {
  let value: number;
  if (has(p, 'asDouble')) value = finite(double(p, 'asDouble'), 'asDouble');
  else if (has(p, 'asInt')) value = int64(p, 'asInt');
  else throw new InvalidPointError('the point has no value (asDouble or asInt)');
  return { attributes: attributes(p, 'attributes'), startTimeMs: startTimeMs(p), timeMs: timeMs(p), value };
}

function sumOf(counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  return total;
}

/** Sets the optional min/max only when sent, so points stay equal to what the agent's own conversion makes. */
function setMinMax(point: { min?: number; max?: number }, p: Message): void {
  const min = optionalFinite(p, 'min');
  const max = optionalFinite(p, 'max');
  if (min !== undefined) point.min = min;
  if (max !== undefined) point.max = max;
}

function histogramPoint(p: Message): HistogramPoint {
  const count = uint64(p, 'count');
  const bounds = doubleList(p, 'explicitBounds');
  let bucketCounts = uint64List(p, 'bucketCounts');
  if (bounds.length === 0 && bucketCounts.length === 0) bucketCounts = [count];
  if (bucketCounts.length !== bounds.length + 1) {
    throw new InvalidPointError(
      `bucketCounts has ${bucketCounts.length} entries, explicitBounds has ${bounds.length} (needs one more count than bounds)`,
    );
  }
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i] as number;
    if (!Number.isFinite(b)) throw new InvalidPointError(`explicitBounds must be finite, got ${b}`);
    if (i > 0 && b <= (bounds[i - 1] as number)) throw new InvalidPointError('explicitBounds must be strictly increasing');
  }
  const total = sumOf(bucketCounts);
  if (total !== count) throw new InvalidPointError(`bucketCounts add up to ${total} but count is ${count}`);
  const point: HistogramPoint = {
    attributes: attributes(p, 'attributes'),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    count,
    sum: optionalFinite(p, 'sum') ?? 0,
    bounds,
    bucketCounts,
  };
  setMinMax(point, p);
  return point;
}

const MIN_SCALE = -10;
const MAX_SCALE = 20;

function buckets(p: Message, key: string): ExponentialBuckets {
  const b = message(p, key);
  if (!b) return { offset: 0, bucketCounts: [] };
  const offset = int64(b, 'offset');
  return { offset, bucketCounts: uint64List(b, 'bucketCounts') };
}

function exponentialPoint(p: Message): ExponentialHistogramPoint {
  const count = uint64(p, 'count');
  const zeroCount = uint64(p, 'zeroCount');
  const scale = int64(p, 'scale');
  if (scale < MIN_SCALE || scale > MAX_SCALE) {
    throw new InvalidPointError(`scale must be within [${MIN_SCALE}, ${MAX_SCALE}], got ${scale}`);
  }
  const positive = buckets(p, 'positive');
  const negative = buckets(p, 'negative');
  const total = zeroCount + sumOf(positive.bucketCounts) + sumOf(negative.bucketCounts);
  if (total !== count) throw new InvalidPointError(`zeroCount and bucket counts add up to ${total} but count is ${count}`);
  const point: ExponentialHistogramPoint = {
    attributes: attributes(p, 'attributes'),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    count,
    sum: optionalFinite(p, 'sum') ?? 0,
    scale,
    zeroCount,
    positive,
    negative,
  };
  setMinMax(point, p);
  const zeroThreshold = optionalFinite(p, 'zeroThreshold');
  if (zeroThreshold !== undefined) point.zeroThreshold = zeroThreshold;
  return point;
}

/** Attribute values nest (lists of lists, maps of maps); deeper than this is rejected rather than recursed into. */
const MAX_VALUE_DEPTH = 8;

function attributes(msg: Message, key: string, depth = 0): Attributes {
  const out: Record<string, AttributeValue> = {};
  for (const kv of messages(msg, key)) {
    const name = string(kv, 'key');
    const value = message(kv, 'value');
    const flat = value === undefined ? undefined : flatten(value, depth);
    if (name !== '' && flat !== undefined) out[name] = flat;
  }
  return out;
}

/** An AnyValue as a label-friendly scalar; undefined when it holds nothing. */
function flatten(v: Message, depth: number): AttributeValue | undefined {
  if (has(v, 'stringValue')) return string(v, 'stringValue');
  if (has(v, 'boolValue')) return bool(v, 'boolValue');
  if (has(v, 'intValue')) return int64(v, 'intValue');
  if (has(v, 'doubleValue')) return double(v, 'doubleValue');
  const nested = has(v, 'arrayValue') || has(v, 'kvlistValue');
  if (nested && depth >= MAX_VALUE_DEPTH) {
    throw new InvalidPointError(`attribute values are nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
  if (has(v, 'arrayValue')) {
    const values = messages(message(v, 'arrayValue') as Message, 'values');
    return values.map((item) => String(flatten(item, depth + 1) ?? '')).join(',');
  }
  if (has(v, 'kvlistValue')) return JSON.stringify(attributes(message(v, 'kvlistValue') as Message, 'values', depth + 1));
  if (has(v, 'bytesValue')) {
    const bytes = field(v, 'bytesValue');
    return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : string(v, 'bytesValue');
  }
  return undefined;
}
