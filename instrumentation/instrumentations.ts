// The OpenTelemetry instrumentations iora runs, each configured for metrics at the lowest per-call cost:
// instrumentation-http only for outgoing requests (server requests are timed from diagnostics channels),
// DB instrumentations without parent-span requirements (their spans feed span-metrics.ts; instrumentation-pg's
// own per-query metrics and pool-connect spans are replaced by pg-pool.ts), Redis reply hooks for cache hits.
// Selected by OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS.

import type { RequestOptions } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { CacheRecorder } from './cache.js';
import { Mysql2PoolInstrumentation } from './db/mysql2-pool.js';
import { PgPoolMetricsInstrumentation, withoutOwnMetrics } from './db/pg-pool.js';
import { KoaRouteInstrumentation } from './http/koa.js';
import type { InstrumentationName } from './settings.js';

/**
 * Matches requests to one of the agent's own export URLs (the collector's /v1/metrics): the agent's pushes
 * are not the app's outgoing traffic. The exporters suppress tracing, but instrumentation-http records its
 * client-duration metric even then, and without traces no context manager carries the suppression.
 */
export function isRequestTo(urls: readonly URL[]): (request: RequestOptions) => boolean {
  const targets = urls.map((u) => ({ host: u.hostname.replace(/^\[|\]$/g, ''), path: u.pathname }));
  return (request) => {
    const host = request.hostname ?? request.host?.replace(/:\d+$/, '');
    const path = request.path ?? '/';
    return targets.some((t) => t.host === host && path.startsWith(t.path));
  };
}

/**
 * With `traces`, instrumentation-http also handles incoming requests: server spans and trace context.
 * `ownExports`: URLs the agent itself sends to, left out of the client metrics.
 */
export function createInstrumentations(
  enabled: ReadonlySet<InstrumentationName>,
  cache: CacheRecorder,
  traces: boolean,
  ownExports: readonly URL[] = [],
): Instrumentation[] {
  const ignoreOutgoingRequestHook = ownExports.length > 0 ? isRequestTo(ownExports) : undefined;
  const all: Record<Exclude<InstrumentationName, 'process'>, () => Instrumentation[]> = {
    http: () => [new HttpInstrumentation({ disableIncomingRequestInstrumentation: !traces, ignoreOutgoingRequestHook })],
    undici: () => [new UndiciInstrumentation()],
    koa: () => [new KoaRouteInstrumentation()],
    pg: () => [withoutOwnMetrics(new PgInstrumentation({ requireParentSpan: false, ignoreConnectSpans: true })), new PgPoolMetricsInstrumentation()],
    mysql2: () => [new MySQL2Instrumentation(), new Mysql2PoolInstrumentation()],
    ioredis: () => [new IORedisInstrumentation({ requireParentSpan: false, responseHook: cache.redisResponseHook })],
    redis: () => [new RedisInstrumentation({ requireParentSpan: false, responseHook: cache.redisResponseHook })],
  };
  return Object.entries(all).flatMap(([name, create]) => (enabled.has(name as InstrumentationName) ? create() : []));
}
