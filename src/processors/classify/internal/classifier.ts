// The classification decision for one point, cached per distinct set of the attributes it depends on
// (metric, method, route, query class, system): pattern matching runs once per route, not per point.

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
  /** How many times the decision cache was full and started over (self-observability in tests and logs). */
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
    const method = firstString(attributes, METHOD_KEYS);
    const route = attributes[ROUTE_KEY];
    const queryClass = attributes[QUERY_CLASS_KEY];
    const system = firstString(attributes, DB_SYSTEM_KEYS);
    const key = `${metricName}\u0001${method ?? ''}\u0001${route ?? ''}\u0001${queryClass ?? ''}\u0001${system ?? ''}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known ?? undefined;
    const decision = this.decide(metricName, method, route === undefined ? undefined : String(route), queryClass, system);
    if (this.decisions.size >= this.config.max_cached_decisions) {
      this.decisions.clear();
      this.resets++;
    }
    this.decisions.set(key, decision ?? null);
    return decision;
  }

  private decide(
    metricName: string,
    method: string | undefined,
    route: string | undefined,
    queryClass: unknown,
    system: string | undefined,
  ): string | undefined {
    const byMetric = this.metricClasses.get(metricName);
    if (byMetric !== undefined) return byMetric;
    if (system !== undefined && this.cacheSystems.has(system.toLowerCase())) return 'cache';
    if (typeof queryClass === 'string' && this.queryClasses.has(queryClass)) return queryClass;
    if (route === undefined) return undefined;
    const upperMethod = method?.toUpperCase();
    for (const rule of this.rules) {
      if (rule.methods && (upperMethod === undefined || !rule.methods.has(upperMethod))) continue;
      for (const p of rule.patterns) {
        if (p.method !== undefined && p.method !== upperMethod) continue;
        if (p.route.test(route)) return rule.operationClass;
      }
    }
    return undefined;
  }
}
