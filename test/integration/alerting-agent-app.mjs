// Target app for alerting-agent.test.ts: plain node:http; each request answers after the delay the
// client asks for (?ms=N), so the test injects latency and takes it away again.
import http from 'node:http';

const server = http.createServer((req, res) => {
  const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
  setTimeout(() => res.end('ok'), ms);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
