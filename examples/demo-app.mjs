// iora's demo target: an order-analytics service with one route family per operation class of the
// I.O.R.A. profile (pipelines/iora.yaml): simple queries (GET /users/:id, GET /products/:id), complex
// analysis (GET /analysis/revenue, GET /analysis/top-customers) and bulk operations (POST /bulk/orders).
// Express routes; it uses PostgreSQL (DATABASE_URL or 127.0.0.1:5432/test) and Redis (REDIS_URL or 127.0.0.1:6379) when
// they are reachable, and an in-memory store otherwise, so the demo runs on any machine.
//
//   PORT=3000 node --import iora/register examples/demo-app.mjs
//
// `iora demo` runs it under the agent and drives traffic at it.

import express from 'express';
import { createStore } from './demo-store.mjs';

const port = Number(process.env.PORT ?? 3000);
const store = await createStore();
const app = express();

/** Wraps an async handler: JSON body, 404 for nothing found, 500 with the message on failure. */
const json = (handler) => async (req, res) => {
  try {
    const body = await handler(req);
    res.status(body === undefined ? 404 : 200).json(body ?? null);
  } catch (err) {
    res.status(500).json({ error: String(err) });
  }
};

// A latency regression on demand (what `iora demo` injects once the baseline is ready): every data route
// waits this much longer. POST /admin/latency?ms=40 sets it, ?ms=0 clears it.
let addedLatencyMs = 0;
app.post('/admin/latency', (req, res) => {
  const ms = Number(req.query.ms);
  if (!Number.isFinite(ms) || ms < 0 || ms > 10_000) return void res.status(400).json({ error: 'ms must be a number of milliseconds from 0 to 10000' });
  addedLatencyMs = ms;
  res.json({ added_latency_ms: addedLatencyMs });
});
app.use((req, res, next) => {
  if (addedLatencyMs === 0 || req.path === '/health') return next();
  setTimeout(next, addedLatencyMs);
});

app.get('/users/:id', json((req) => store.user(Number(req.params.id))));
app.get('/products/:id', json((req) => store.product(Number(req.params.id))));
app.get('/analysis/revenue', json(() => store.revenueByRegion()));
app.get('/analysis/top-customers', json(() => store.topCustomers()));
app.post('/bulk/orders', json((req) => store.insertOrders(Math.min(5000, Math.max(1, Number(req.query.count ?? 500))))));
app.get('/health', json(() => ({ ok: true, backend: store.backend })));

const server = app.listen(port, () => {
  process.stdout.write(`demo app listening on http://127.0.0.1:${server.address().port} (store: ${store.backend})\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close();
    void store.close().finally(() => process.exit(0));
  });
}
