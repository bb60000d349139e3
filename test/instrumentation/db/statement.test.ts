import { describe, expect, it } from 'vitest';
import { analyzeStatement, countInsertedRows, redisQueryClass } from '../../../instrumentation/db/statement.js';

describe('analyzeStatement', () => {
  it.each([
    ['SELECT id, name FROM users WHERE id = $1', 'simple_select', 'users'],
    ['select * from "orders" limit 10', 'simple_select', 'orders'],
    ['SELECT u.id, count(o.id) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id', 'complex_join', 'users'],
    ['SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.a_id', 'complex_join', 'a'],
    ['SELECT region, sum(total) FROM sales GROUP BY region', 'complex_join', 'sales'],
    ['SELECT * FROM t WHERE id IN (SELECT id FROM u)', 'complex_join', 't'],
    ['WITH recent AS (SELECT * FROM o) SELECT * FROM recent', 'complex_join', undefined],
    ['SELECT rank() OVER (PARTITION BY a) FROM t', 'complex_join', 't'],
    ['INSERT INTO orders (user_id, amount) VALUES ($1, $2)', 'write', 'orders'],
    ['INSERT INTO orders (user_id, amount) VALUES ($1, $2), ($3, $4), ($5, $6)', 'bulk_insert', 'orders'],
    ['UPDATE users SET name = $1 WHERE id = $2', 'write', 'users'],
    ['DELETE FROM sessions WHERE expires < now()', 'write', 'sessions'],
    ['BEGIN', 'other', undefined],
    ['SELECT $1::int AS id', 'simple_select', undefined],
  ])('%s → %s', (sql, queryClass, collection) => {
    const info = analyzeStatement(sql);
    expect(info.queryClass).toBe(queryClass);
    expect(info.collection).toBe(collection);
  });

  it('names the operation by its leading keyword', () => {
    expect(analyzeStatement('  (SELECT 1)').operation).toBe('SELECT');
    expect(analyzeStatement('delete from t').operation).toBe('DELETE');
  });
});

describe('countInsertedRows', () => {
  it('counts top-level tuples after VALUES', () => {
    const tuples = Array.from({ length: 500 }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    expect(countInsertedRows(`INSERT INTO t (a, b) VALUES ${tuples}`)).toBe(500);
  });

  it('ignores parentheses inside values and string literals', () => {
    expect(countInsertedRows("INSERT INTO t VALUES (1, lower('A (x)')), (2, 'it''s (y)')")).toBe(2);
  });

  it('stops at what follows the tuples', () => {
    expect(countInsertedRows('INSERT INTO t VALUES (1), (2) ON CONFLICT (id) DO NOTHING')).toBe(2);
    expect(countInsertedRows('INSERT INTO t VALUES (1) RETURNING (id)')).toBe(1);
  });

  it('counts nothing for INSERT … SELECT', () => {
    expect(countInsertedRows('INSERT INTO t SELECT * FROM u')).toBe(0);
  });
});

describe('redisQueryClass', () => {
  it('treats reads as simple selects and writes as writes', () => {
    expect(redisQueryClass('GET')).toBe('simple_select');
    expect(redisQueryClass('hgetall')).toBe('simple_select');
    expect(redisQueryClass('set')).toBe('write');
    expect(redisQueryClass('EVAL')).toBe('other');
  });
});
