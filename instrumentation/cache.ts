// Cache lookups: `iora.cache.requests` counted by `iora.cache.result` (hit / miss) and `iora.cache.system`.
// Redis GET-family replies are counted by the redis/ioredis instrumentations' response hooks (a null reply
// is a miss; MGET/HMGET count each key); app-level caches use the public API (api.ts → cache.hit()/miss()).

import type { Attributes, Counter, Meter } from '@opentelemetry/api';

const SINGLE_KEY_READS = new Set(['get', 'getex', 'getdel', 'hget']);
const MULTI_KEY_READS = new Set(['mget', 'hmget']);

export class CacheRecorder {
  private readonly requests: Counter;
  private readonly attributeCache = new Map<string, { hit: Attributes; miss: Attributes }>();

  constructor(meter: Meter) {
    this.requests = meter.createCounter('iora.cache.requests', {
      description: 'Cache lookups by result (hit / miss)',
      unit: '{request}',
    });
  }

  record(system: string, hit: boolean, count = 1): void {
    let attrs = this.attributeCache.get(system);
    if (!attrs) {
      attrs = {
        hit: { 'iora.cache.result': 'hit', 'iora.cache.system': system },
        miss: { 'iora.cache.result': 'miss', 'iora.cache.system': system },
      };
      if (this.attributeCache.size < 100) this.attributeCache.set(system, attrs);
    }
    this.requests.add(count, hit ? attrs.hit : attrs.miss);
  }

  /** For the redis and ioredis instrumentations' `responseHook(span, command, args, response)`. */
  readonly redisResponseHook = (_span: unknown, command: string, _args: unknown, response: unknown): void => {
    try {
      const c = command.toLowerCase();
      if (SINGLE_KEY_READS.has(c)) this.record('redis', response !== null && response !== undefined);
      else if (MULTI_KEY_READS.has(c) && Array.isArray(response)) {
        const hits = response.filter((v) => v !== null && v !== undefined).length;
        if (hits > 0) this.record('redis', true, hits);
        if (response.length > hits) this.record('redis', false, response.length - hits);
      }
    } catch {
      // a reply we cannot read is not counted
    }
  };
}
