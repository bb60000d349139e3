// The HTTP server behind an exporter's `endpoint: host:port` (prometheus's /metrics, status's page):
// listen with a clear error, never keep the host process alive, close with every connection.

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ComponentSettings } from '../pipeline/component.js';
import { parseEndpoint } from './prometheus/config.js';

/** Listens on a validated `host:port` (port 0 picks a free one); rejects naming the endpoint. */
async function listenOn(endpoint: string, handler: RequestListener): Promise<Server> {
  const { host, port } = parseEndpoint(endpoint) ?? { host: '0.0.0.0', port: 0 };
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use (EADDRINUSE)' : err.message;
      reject(new Error(`cannot listen on ${endpoint}: ${why}`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
  // Never keep the host process alive for the sake of an exporter's endpoint (the agent runs inside apps).
  server.unref();
  return server;
}

function portOf(server: Server | undefined): number | undefined {
  return (server?.address() as AddressInfo | null)?.port;
}

/** `http://host:port<path>` with the port actually listened on, for the startup log line. */
function endpointUrl(endpoint: string, server: Server, path: string): string {
  return `http://${endpoint.replace(/:\d+$/, `:${portOf(server)}`)}${path}`;
}

async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** An exporter's endpoint: start listens once (and logs where), shutdown closes; both safe to repeat. */
export class HttpEndpoint {
  private server: Server | undefined;

  /** `path` is where the exporter serves its main page, for the startup log line. */
  constructor(
    private readonly endpoint: string,
    private readonly path: string,
    private readonly handler: RequestListener,
  ) {}

  /** The port actually listened on (useful with port 0); undefined before start. */
  get port(): number | undefined {
    return portOf(this.server);
  }

  /** Listens unless already listening, then logs `<what> listening` with the URL. */
  async start(logger: ComponentSettings['logger'], what: string): Promise<void> {
    if (this.server) return;
    this.server = await listenOn(this.endpoint, this.handler);
    logger.info({ endpoint: endpointUrl(this.endpoint, this.server, this.path) }, `${what} listening`);
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }
}
