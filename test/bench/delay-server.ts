// A real HTTP server whose response delay the test sets: the system under test for `iora bench`.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayServer {
  url: string;
  /** Milliseconds before each response. */
  delayMs: number;
  /** Each delay is scaled by a uniform random factor in [1 − jitter, 1 + jitter]. */
  jitter: number;
  /** Respond with this status (200 unless set). */
  status: number;
  requests: number;
  close(): Promise<void>;
}

export async function startDelayServer(delayMs: number): Promise<DelayServer> {
  const state: DelayServer = {
    url: '',
    delayMs,
    jitter: 0,
    status: 200,
    requests: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const factor = 1 + (Math.random() * 2 - 1) * state.jitter;
    req.resume();
    setTimeout(() => {
      res.statusCode = state.status;
      res.end('ok');
    }, state.delayMs * factor);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
