// Where the route template of a finished request comes from, per framework:
// - Express: `req.route.path` (set by the router when a route matched) joined to `req.baseUrl`.
// - Fastify: the route URL its `fastify.request.handler` tracing channel publishes, kept on the raw request.
// - Koa (@koa/router): `ctx._matchedRoute`; the koa instrumentation (koa.ts) links the raw request to ctx.
// Requests no route matched get no `http.route` (semantic conventions), never the raw URL.

import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

export const fastifyRoute = Symbol.for('iora.fastify.route');
export const koaContext = Symbol.for('iora.koa.context');

const FASTIFY_HANDLER_START = 'tracing:fastify.request.handler:start';

interface ExpressRequest {
  route?: { path?: unknown };
  baseUrl?: unknown;
}
interface RoutedRequest extends IncomingMessage {
  [fastifyRoute]?: string;
  [koaContext]?: { _matchedRoute?: unknown };
}
interface FastifyHandlerStore {
  request?: { raw?: RoutedRequest };
  route?: { url?: unknown };
}

export function routeOf(request: IncomingMessage): string | undefined {
  const r = request as RoutedRequest & ExpressRequest;
  const fastify = r[fastifyRoute];
  if (fastify !== undefined) return fastify;
  const koa = r[koaContext]?._matchedRoute;
  if (typeof koa === 'string') return koa;
  const path = r.route?.path;
  // Concatenate only under a mounted router: the bare path is the router's own string, whose hash is cached.
  if (typeof path === 'string') return typeof r.baseUrl === 'string' && r.baseUrl !== '' ? r.baseUrl + path : path;
  return undefined;
}

const onFastifyHandler = (message: unknown): void => {
  const store = message as FastifyHandlerStore;
  const url = store.route?.url;
  const raw = store.request?.raw;
  if (raw && typeof url === 'string') raw[fastifyRoute] = url;
};

/** Subscribes to the framework channels that publish resolved routes; returns the unsubscribe. */
export function trackFrameworkRoutes(): () => void {
  diagnosticsChannel.subscribe(FASTIFY_HANDLER_START, onFastifyHandler);
  return () => diagnosticsChannel.unsubscribe(FASTIFY_HANDLER_START, onFastifyHandler);
}
