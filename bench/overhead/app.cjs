// The overhead benchmark's target: a small node:http app with a JSON route and a route doing one PostgreSQL
// query, the same code under every variant. BENCH_PROM_CLIENT=1 adds the prom-client variant's instrumentation:
// an HTTP duration histogram timed around each request (labels method, route, status) and /metrics on the app
// port, as a typical hand-written middleware does. Prints `listening <port>` once serving.
const http = require('node:http');
const { Pool } = require('pg');

const pool = new Pool({ host: '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test', max: 10 });
const body = JSON.stringify({ ok: true, service: 'bench', items: [1, 2, 3] });

function json(res, status, text) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

/** Returns the route template it served, for the prom-client variant's label. */
function handle(req, res) {
  if (req.url === '/json') {
    json(res, 200, body);
    return '/json';
  }
  if (req.url === '/db') {
    pool.query('SELECT $1::int + 1 AS n', [41]).then(
      (r) => json(res, 200, JSON.stringify(r.rows[0])),
      (err) => json(res, 500, JSON.stringify({ error: err.message })),
    );
    return '/db';
  }
  json(res, 404, '{"error":"not found"}');
  return undefined;
}

let listener = handle;
if (process.env.BENCH_PROM_CLIENT === '1') {
  const client = require('prom-client');
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  listener = (req, res) => {
    if (req.url === '/metrics') {
      client.register.metrics().then((text) => {
        res.writeHead(200, { 'content-type': client.register.contentType });
        res.end(text);
      });
      return;
    }
    const end = duration.startTimer();
    const route = handle(req, res);
    res.once('finish', () => end({ method: req.method, route: route ?? '', status_code: res.statusCode }));
  };
}

const server = http.createServer(listener);
// A clean exit on SIGTERM, so `node --cpu-prof` writes its profile (the benchmark's --profile).
process.once('SIGTERM', () => process.exit(0));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
