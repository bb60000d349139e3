// The classification decision for one point: by metric, cache system or DB query class (set lookups),
// else by route pattern, whose decision is cached per method and route so matching runs once per route.

import type { Attributes } from '../../../pipeline/model.js';
import type { ClassifyConfig } from '../config.js';
import { parseRoutePattern, type RoutePattern } from './route-pattern.js';

interface CompiledRule {
  operationClass: string;
  patterns: RoutePattern[];
  methods?: ReadonlySet<string>;
}

/** Stable semantic-convention names first, then the older ones some instrumentations still write. */
const METHOD_KEYS = ['http.request.method', 'http.method'] as const;
const DB_SYSTEM_KEYS = ['db.system.name', 'db.system'] as const;
const ROUTE_KEY = 'http.route';
const QUERY_CLASS_KEY = 'iora.db.query_class';

function firstString(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = attributes[k];
    if (v !== undefined) return String(v);
  }
  return undefined;
}

export class Classifier {
  private readonly rules: CompiledRule[];
  private readonly metricClasses: ReadonlyMap<string, string>;
  private readonly queryClasses: ReadonlySet<string>;
  private readonly cacheSystems: ReadonlySet<string>;
  private readonly decisions = new Map<string, string | null>();
  /** How many times the route decision cache was full and started over (tests read it). */
  resets = 0;

  constructor(private readonly config: ClassifyConfig) {
    this.rules = Object.entries(config.operations).map(([operationClass, rule]) => ({
      operationClass,
      patterns: (rule.routes ?? []).map((r) => parseRoutePattern(r).pattern).filter((p): p is RoutePattern => p !== undefined),
      methods: rule.methods ? new Set(rule.methods) : undefined,
    }));
    this.metricClasses = new Map(Object.entries(config.metrics));
    this.queryClasses = new Set(config.db_query_classes);
    this.cacheSystems = new Set(config.cache_systems.map((s) => s.toLowerCase()));
  }

  /** The operation class of a point of `metricName`, or undefined when it belongs to none. */
  classify(metricName: string, attributes: Attributes): string | undefined {
    const byMetric = this.metricClasses.get(metricName);
    if (byMetric !== undefined) return byMetric;
    const system = firstString(attributes, DB_SYSTEM_KEYS);
    if (system !== undefined && this.cacheSystems.has(system.toLowerCase())) return 'cache';
    const queryClass = attributes[QUERY_CLASS_KEY];
    if (typeof queryClass === 'string' && this.queryClasses.has(queryClass)) return queryClass;
    const route = attributes[ROUTE_KEY];
    if (route === undefined) return undefined;
    return this.routeClass(firstString(attributes, METHOD_KEYS)?.toUpperCase(), String(route));
  }

  /** Route matching is the costly part: its decision is remembered per method and route. */
  private routeClass(method: string | undefined, route: string): string | undefined {
    const key = method === undefined ? route : `${method} ${route}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known ?? undefined;
    const decision = this.matchRoute(method, route);
    if (this.decisions.size >= this.config.max_cached_decisions) {
      this.decisions.clear();
      this.resets++;
    }
    this.decisions.set(key, decision ?? null);
    return decision;
  }

  private matchRoute(method: string | undefined, route: string): string | undefined {
    for (const rule of this.rules) {
      if (rule.methods && (method === undefined || !rule.methods.has(method))) continue;
      for (const p of rule.patterns) {
        if (p.method !== undefined && p.method !== method) continue;
        if (p.route.test(route)) return rule.operationClass;
      }
    }
    return undefined;
  }
}
