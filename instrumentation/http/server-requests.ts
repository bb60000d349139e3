// Server-side HTTP request duration from Node's built-in diagnostics channels, not from instrumentation-http:
// no span machinery, no wrapped emit, one record per request into the series of its method/route/status
// (request-histogram.ts). The route is read at response finish from what the framework already resolved
// (see routes.ts), so a URL with ids never creates a series per id.

import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestDurationHistogram } from './request-histogram.js';
import { routeOf, trackFrameworkRoutes } from './routes.js';

const START_CHANNEL = 'http.server.request.start';
const FINISH_CHANNEL = 'http.server.response.finish';
const startTime = Symbol('iora.http.start');
/** Each server's listening port, read once (address() is a getsockname call): iora's own ports are not measured. */
const serverPort = Symbol('iora.http.port');
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

type TimedRequest = IncomingMessage & { [startTime]?: number };
type MarkedServer = Server & { [serverPort]?: number };
interface ChannelMessage {
  request: TimedRequest;
  response: ServerResponse;
  server: MarkedServer;
}

function portOf(server: MarkedServer): number {
  let port = -1;
  try {
    const address = server.address() as AddressInfo | string | null;
    if (typeof address === 'object' && address !== null) port = address.port;
  } catch {
    // a server without an address is measured
  }
  server[serverPort] = port;
  return port;
}

export class ServerRequestRecorder {
  private readonly untrackRoutes: () => void;
  private readonly internalPorts = new Set<number>();

  constructor(
    private readonly duration: RequestDurationHistogram,
    private readonly onError: (err: unknown) => void,
  ) {
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
    const port = server[serverPort] ?? portOf(server);
    if (!this.internalPorts.has(port)) request[startTime] = performance.now();
  };

  private readonly onFinish = (message: unknown): void => {
    try {
      const { request, response } = message as ChannelMessage;
      const started = request[startTime];
      if (started === undefined) return;
      const seconds = (performance.now() - started) / 1000;
      const method = request.method && KNOWN_METHODS.has(request.method) ? request.method : '_OTHER';
      this.duration.record(method, response.statusCode, routeOf(request), seconds);
    } catch (err) {
      this.onError(err);
    }
  };

  shutdown(): void {
    diagnosticsChannel.unsubscribe(START_CHANNEL, this.onStart);
    diagnosticsChannel.unsubscribe(FINISH_CHANNEL, this.onFinish);
    this.untrackRoutes();
  }
}
