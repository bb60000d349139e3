// The demo app's data: PostgreSQL + Redis cache when reachable, else an in-memory store with the same API.
// Tables are prefixed `iora_demo_` so the demo never touches anything else in the database.

import { business, cache } from '../dist/instrumentation/api.js';

const USERS = 200;
const PRODUCTS = 50;
const REGIONS = ['north', 'south', 'east', 'west'];
const MAX_ORDERS = 20_000;

async function connectPostgres() {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    max: 5,
    connectionTimeoutMillis: 1500,
  });
  await pool.query('SELECT 1');
  await pool.query(`CREATE TABLE IF NOT EXISTS iora_demo_users (id int PRIMARY KEY, name text, region text)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS iora_demo_products (id int PRIMARY KEY, name text, price numeric)`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS iora_demo_orders (id bigserial PRIMARY KEY, user_id int, product_id int, quantity int, created_at timestamptz DEFAULT now())`,
  );
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM iora_demo_users');
  if (rows[0].n === 0) {
    const users = Array.from({ length: USERS }, (_, i) => `(${i + 1}, 'user ${i + 1}', '${REGIONS[i % REGIONS.length]}')`);
    await pool.query(`INSERT INTO iora_demo_users (id, name, region) VALUES ${users.join(', ')} ON CONFLICT DO NOTHING`);
    const products = Array.from({ length: PRODUCTS }, (_, i) => `(${i + 1}, 'product ${i + 1}', ${(5 + i * 1.5).toFixed(2)})`);
    await pool.query(`INSERT INTO iora_demo_products (id, name, price) VALUES ${products.join(', ')} ON CONFLICT DO NOTHING`);
  }
  return pool;
}

async function connectRedis() {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1500,
    retryStrategy: () => null,
  });
  await redis.connect();
  return redis;
}

async function tryConnect(connect) {
  try {
    return await connect();
  } catch {
    return undefined;
  }
}

function postgresStore(pool, redis) {
  return {
    backend: redis ? 'postgresql+redis' : 'postgresql',
    async user(id) {
      const key = `iora_demo:user:${id}`;
      const cached = redis ? await redis.get(key) : null;
      if (cached !== null) return JSON.parse(cached);
      const { rows } = await pool.query('SELECT id, name, region FROM iora_demo_users WHERE id = $1', [id]);
      if (rows[0] && redis) await redis.set(key, JSON.stringify(rows[0]), 'EX', 30);
      return rows[0];
    },
    async product(id) {
      const { rows } = await pool.query('SELECT id, name, price FROM iora_demo_products WHERE id = $1', [id]);
      return rows[0];
    },
    async revenueByRegion() {
      const { rows } = await pool.query(
        `SELECT u.region, sum(o.quantity * p.price) AS revenue, count(*) AS orders
           FROM iora_demo_orders o JOIN iora_demo_users u ON u.id = o.user_id JOIN iora_demo_products p ON p.id = o.product_id
          GROUP BY u.region ORDER BY revenue DESC`,
      );
      business.analysisCompleted();
      return rows;
    },
    async topCustomers() {
      const { rows } = await pool.query(
        `SELECT u.id, u.name, sum(o.quantity) AS items
           FROM iora_demo_users u JOIN iora_demo_orders o ON o.user_id = u.id
          GROUP BY u.id, u.name ORDER BY items DESC LIMIT 10`,
      );
      business.analysisCompleted();
      return rows;
    },
    async insertOrders(count) {
      return business.timeBlock(async () => {
        const values = [];
        const tuples = [];
        for (let i = 0; i < count; i++) {
          values.push(1 + Math.floor(Math.random() * USERS), 1 + Math.floor(Math.random() * PRODUCTS), 1 + (i % 5));
          tuples.push(`($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
        }
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`INSERT INTO iora_demo_orders (user_id, product_id, quantity) VALUES ${tuples.join(', ')}`, values);
          // Keep the newest MAX_ORDERS: the analysis routes scan every order, and a table that grows run after
          // run would make them slower and slower (a regression the demo did not inject).
          await client.query('DELETE FROM iora_demo_orders WHERE id <= (SELECT max(id) FROM iora_demo_orders) - $1', [MAX_ORDERS]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        } finally {
          client.release();
        }
        business.recordsProcessed(count);
        business.transactionCommitted();
        return { inserted: count };
      });
    },
    async close() {
      redis?.disconnect();
      await pool.end();
    },
  };
}

function memoryStore() {
  const users = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, region: REGIONS[i % REGIONS.length] }));
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({ id: i + 1, name: `product ${i + 1}`, price: 5 + i * 1.5 }));
  const orders = [];
  const userCache = new Map();
  const aggregate = (key) => {
    const totals = new Map();
    for (const o of orders) totals.set(key(o), (totals.get(key(o)) ?? 0) + o.quantity * (products[o.product_id - 1]?.price ?? 0));
    return [...totals].sort((a, b) => b[1] - a[1]);
  };
  return {
    backend: 'memory',
    async user(id) {
      if (userCache.has(id)) {
        cache.hit('demo-memory');
        return userCache.get(id);
      }
      cache.miss('demo-memory');
      const user = users[id - 1];
      if (user) userCache.set(id, user);
      return user;
    },
    async product(id) {
      return products[id - 1];
    },
    async revenueByRegion() {
      business.analysisCompleted();
      return aggregate((o) => users[o.user_id - 1]?.region).map(([region, revenue]) => ({ region, revenue }));
    },
    async topCustomers() {
      business.analysisCompleted();
      return aggregate((o) => o.user_id).slice(0, 10).map(([id, revenue]) => ({ id, revenue }));
    },
    async insertOrders(count) {
      return business.timeBlock(() => {
        for (let i = 0; i < count; i++) {
          orders.push({ user_id: 1 + Math.floor(Math.random() * USERS), product_id: 1 + Math.floor(Math.random() * PRODUCTS), quantity: 1 + (i % 5) });
        }
        if (orders.length > MAX_ORDERS) orders.splice(0, orders.length - MAX_ORDERS);
        business.recordsProcessed(count);
        business.transactionCommitted();
        return { inserted: count };
      });
    },
    async close() {},
  };
}

export async function createStore() {
  const pool = await tryConnect(connectPostgres);
  if (!pool) return memoryStore();
  const redis = await tryConnect(connectRedis);
  return postgresStore(pool, redis);
}
