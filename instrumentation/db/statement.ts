// Reads what iora needs from a SQL statement: its operation, main table, query class and, for multi-row
// INSERTs, how many rows it writes. A single linear scan, no SQL parser: statements come from the app's
// own code, and a wrong guess only lands a duration in `other`, never breaks anything.

export type QueryClass = 'simple_select' | 'complex_join' | 'bulk_insert' | 'write' | 'other';

export interface StatementInfo {
  operation: string;
  collection: string | undefined;
  queryClass: QueryClass;
  /** Rows written by an INSERT … VALUES (…), (…); 0 when not an insert or not countable. */
  rowsInserted: number;
}

const WRITE_OPERATIONS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'MERGE', 'UPSERT', 'COPY']);
/** Any of these in a SELECT means the database combines or aggregates rows: the "complex analysis" class. */
const COMPLEX_SELECT = /\b(JOIN|GROUP\s+BY|UNION|INTERSECT|EXCEPT|OVER\s*\(|WITH\s+RECURSIVE)\b|\(\s*SELECT\b/i;
const COLLECTION_AFTER: Record<string, RegExp> = {
  SELECT: /\bFROM\s+([`"[]?[\w.]+)/i,
  DELETE: /\bFROM\s+([`"[]?[\w.]+)/i,
  INSERT: /\bINTO\s+([`"[]?[\w.]+)/i,
  REPLACE: /\bINTO\s+([`"[]?[\w.]+)/i,
  UPDATE: /^\s*UPDATE\s+([`"[]?[\w.]+)/i,
};
/** Statements longer than this are only classified on their head; row counting still scans them whole. */
const HEAD_CHARS = 4096;

function leadingKeyword(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(sql);
  return m?.[1] ? m[1].toUpperCase() : '';
}

function collectionOf(operation: string, head: string): string | undefined {
  const re = COLLECTION_AFTER[operation];
  const name = re?.exec(head)?.[1];
  return name ? name.replace(/^[`"[]/, '') : undefined;
}

/**
 * Counts the top-level parenthesised tuples after VALUES, skipping string literals:
 * `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` → 2. Returns 0 for INSERT … SELECT and the like.
 */
export function countInsertedRows(sql: string): number {
  const values = /\bVALUES\b/i.exec(sql);
  if (!values) return 0;
  let rows = 0;
  let depth = 0;
  let quote = '';
  for (let i = values.index + 6; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\') i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') {
      if (depth === 0) rows++;
      depth++;
    } else if (c === ')') depth--;
    else if (depth === 0 && c !== ',' && c !== ' ' && c !== '\n' && c !== '\t' && c !== '\r') break;
  }
  return rows;
}

export function analyzeStatement(sql: string): StatementInfo {
  const operation = leadingKeyword(sql);
  const head = sql.length > HEAD_CHARS ? sql.slice(0, HEAD_CHARS) : sql;
  const collection = collectionOf(operation, head);
  if (operation === 'SELECT' || operation === 'WITH') {
    const complex = operation === 'WITH' || COMPLEX_SELECT.test(head);
    return { operation, collection, queryClass: complex ? 'complex_join' : 'simple_select', rowsInserted: 0 };
  }
  if (operation === 'INSERT' || operation === 'REPLACE') {
    const rowsInserted = countInsertedRows(sql);
    return { operation, collection, queryClass: rowsInserted > 1 ? 'bulk_insert' : 'write', rowsInserted };
  }
  if (WRITE_OPERATIONS.has(operation)) return { operation, collection, queryClass: 'write', rowsInserted: 0 };
  return { operation, collection, queryClass: 'other', rowsInserted: 0 };
}

/** Redis commands that only read; the rest of the known data commands write. */
const REDIS_READS = new Set([
  'get', 'mget', 'getex', 'getrange', 'strlen', 'exists', 'hget', 'hmget', 'hgetall', 'hexists', 'hkeys', 'hvals',
  'hlen', 'lrange', 'llen', 'lindex', 'smembers', 'sismember', 'scard', 'zrange', 'zrangebyscore', 'zscore',
  'zcard', 'zrank', 'ttl', 'pttl', 'type', 'scan', 'keys',
]);
const REDIS_WRITES = new Set([
  'set', 'setex', 'psetex', 'setnx', 'mset', 'getset', 'getdel', 'del', 'unlink', 'expire', 'pexpire', 'incr',
  'incrby', 'decr', 'decrby', 'append', 'hset', 'hmset', 'hdel', 'hincrby', 'lpush', 'rpush', 'lpop', 'rpop',
  'sadd', 'srem', 'zadd', 'zrem', 'zincrby', 'flushdb', 'flushall',
]);

/** Redis reads are key lookups (simple_select); writes are writes; MULTI/EVAL/etc. are other. */
export function redisQueryClass(command: string): QueryClass {
  const c = command.toLowerCase();
  if (REDIS_READS.has(c)) return 'simple_select';
  if (REDIS_WRITES.has(c)) return 'write';
  return 'other';
}
