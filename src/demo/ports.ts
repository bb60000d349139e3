// Checks that the demo's ports are free before the app starts: otherwise the app (or the agent's
// /metrics) fails to listen and the demo would read another process's answers.

import { createServer } from 'node:net';

/** Resolves to undefined when `port` on 127.0.0.1 can be listened on, else to why not. */
function probe(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'is in use' : err.message));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
}

/** One message per busy port, naming the flag that moves it. */
export async function busyPorts(ports: Readonly<Record<string, number>>): Promise<string[]> {
  const problems: string[] = [];
  for (const [flag, port] of Object.entries(ports)) {
    const why = await probe(port);
    if (why !== undefined) problems.push(`port ${port} ${why} (choose another with ${flag})`);
  }
  return problems;
}
