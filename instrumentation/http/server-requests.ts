// Server-side HTTP request duration from Node's built-in diagnostics channels, not from instrumentation-http:
// no span machinery, no wrapped emit, one histogram record per request with an attribute object reused for
// every request of the same method/route/status. The route is read at response finish from what the
// framework already resolved (see routes.ts), so a URL with ids never creates a series per id.

import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { routeOf, trackFrameworkRoutes } from './routes.js';

const START_CHANNEL = 'http.server.request.start';
const FINISH_CHANNEL = 'http.server.response.finish';
const startTime = Symbol('iora.http.start');
/** Cached per server: true for iora's own servers (the embedded /metrics endpoint), which are not measured. */
const internalServer = Symbol('iora.http.internal');
/** Above this many distinct method/route/status sets, attribute objects are built per request, not kept. */
const MAX_CACHED_ATTRIBUTE_SETS = 5000;
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

type TimedRequest = IncomingMessage & { [startTime]?: number };
type MarkedServer = Server & { [internalServer]?: boolean };
interface ChannelMessage {
  request: TimedRequest;
  response: ServerResponse;
  server: MarkedServer;
}

export class ServerRequestRecorder {
  private readonly duration: Histogram;
  private readonly attributeCache = new Map<string, Attributes>();
  private readonly untrackRoutes: () => void;
  private readonly internalPorts = new Set<number>();

  constructor(meter: Meter, private readonly onError: (err: unknown) => void) {
    this.duration = meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests',
      unit: 's',
    });
    diagnosticsChannel.subscribe(START_CHANNEL, this.onStart);
    diagnosticsChannel.subscribe(FINISH_CHANNEL, this.onFinish);
    this.untrackRoutes = trackFrameworkRoutes();
  }

  /** Requests to servers listening on these ports (the pipeline's own endpoints) are not recorded. */
  ignoreServerPorts(ports: readonly number[]): void {
    for (const p of ports) this.internalPorts.add(p);
  }

  private readonly onStart = (message: unknown): void => {
    const { request, server } = message as ChannelMessage;
    const internal = server[internalServer] ?? this.markServer(server);
    if (!internal) request[startTime] = performance.now();
  };

  private markServer(server: MarkedServer): boolean {
    let internal = false;
    try {
      const address = server.address() as AddressInfo | string | null;
      internal = typeof address === 'object' && address !== null && this.internalPorts.has(address.port);
    } catch (err) {
      this.onError(err);
    }
    // Only app servers are cached before the pipeline named its ports; an internal one is found on its first request.
    if (internal || this.internalPorts.size > 0) server[internalServer] = internal;
    return internal;
  }

  private readonly onFinish = (message: unknown): void => {
    try {
      const { request, response } = message as ChannelMessage;
      const started = request[startTime];
      if (started === undefined) return;
      this.duration.record((performance.now() - started) / 1000, this.attributesFor(request, response.statusCode));
    } catch (err) {
      this.onError(err);
    }
  };

  private attributesFor(request: IncomingMessage, status: number): Attributes {
    const method = request.method && KNOWN_METHODS.has(request.method) ? request.method : '_OTHER';
    const route = routeOf(request);
    const key = `${method} ${status} ${route ?? ''}`;
    let attrs = this.attributeCache.get(key);
    if (attrs) return attrs;
    attrs = { 'http.request.method': method, 'http.response.status_code': status };
    if (route !== undefined) attrs['http.route'] = route;
    if (status >= 500) attrs['error.type'] = String(status);
    if (this.attributeCache.size < MAX_CACHED_ATTRIBUTE_SETS) this.attributeCache.set(key, attrs);
    return attrs;
  }

  shutdown(): void {
    diagnosticsChannel.unsubscribe(START_CHANNEL, this.onStart);
    diagnosticsChannel.unsubscribe(FINISH_CHANNEL, this.onFinish);
    this.untrackRoutes();
  }
}
