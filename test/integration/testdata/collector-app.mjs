// A tiny service for the collector integration test: an HTTP server that calls itself a few times a second,
// so the preloaded agent has http.server.request.duration to push. Runs until killed.
import http from 'node:http';

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'text/plain' });
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const hit = (path) => http.get({ host: '127.0.0.1', port, path }, (res) => res.resume()).on('error', () => {});
  setInterval(() => {
    hit('/orders');
    hit('/missing');
  }, 100);
  process.stdout.write('serving\n');
});
