// The HTTP server behind an exporter's `endpoint: host:port` (prometheus's /metrics, status's page):
// listen with a clear error, never keep the host process alive, close with every connection.

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEndpoint } from './prometheus/config.js';

/** Listens on a validated `host:port` (port 0 picks a free one); rejects naming the endpoint. */
export async function listenOn(endpoint: string, handler: RequestListener): Promise<Server> {
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

export function portOf(server: Server | undefined): number | undefined {
  return (server?.address() as AddressInfo | null)?.port;
}

/** `http://host:port<path>` with the port actually listened on, for the startup log line. */
export function endpointUrl(endpoint: string, server: Server, path: string): string {
  return `http://${endpoint.replace(/:\d+$/, `:${portOf(server)}`)}${path}`;
}

export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
