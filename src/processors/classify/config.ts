// classify's config: which series belong to which of the spec's operation classes.

import type { ConfigIssue } from '../../pipeline/component.js';
import { parseRoutePattern } from './internal/route-pattern.js';

/** An API operation class: the requests whose route (and method) match one of these patterns. */
export interface OperationRule {
  /** `"GET /users/:id"`, `"/reports/*"`, `"POST /bulk/**"`: optional method, then a route glob. */
  routes?: string[];
  /** Restricts every pattern of the rule to these methods (upper case). */
  methods?: string[];
}

export interface ClassifyConfig {
  /** API classes by route pattern, checked in the order written; the first match wins. */
  operations: Record<string, OperationRule>;
  /** Whole metrics that are one class (`db.client.connection.wait_time: connection_acquisition`). */
  metrics: Record<string, string>;
  /** Values of the agent's `iora.db.query_class` that are classes of their own. */
  db_query_classes: string[];
  /** DB operations against these systems (`db.system.name`) are class `cache`. */
  cache_systems: string[];
  /** Bound on remembered decisions (one per distinct metric/method/route/query class/system). */
  max_cached_decisions: number;
}

export function createDefaultConfig(): ClassifyConfig {
  return {
    operations: {},
    metrics: {
      'db.client.connection.wait_time': 'connection_acquisition',
      'iora.cache.requests': 'cache',
      'iora.block.processing.duration': 'block_processing',
    },
    db_query_classes: ['simple_select', 'complex_join', 'bulk_insert'],
    cache_systems: ['redis', 'memcached'],
    max_cached_decisions: 10_000,
  };
}

/** Class names become label values and config keys of `validate`'s targets. */
const CLASS_NAME = /^[a-z][a-z0-9_]*$/;
const CLASS_NAME_HINT = 'must be a class name in snake_case (letters, digits, _)';

function checkStringList(value: unknown, path: string, issues: ConfigIssue[], each?: (s: string) => string | undefined): void {
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'must be a list of strings' });
    return;
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      issues.push({ path: `${path}::${i}`, message: 'must be a non-empty string' });
      return;
    }
    const problem = each?.(item);
    if (problem !== undefined) issues.push({ path: `${path}::${i}`, message: problem });
  });
}

const METHOD = /^[A-Z]+$/;

export function validate(config: ClassifyConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, rule] of Object.entries(config.operations ?? {})) {
    const path = `operations::${name}`;
    if (!CLASS_NAME.test(name)) issues.push({ path, message: CLASS_NAME_HINT });
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
      issues.push({ path, message: 'must be a map with `routes` (and optionally `methods`)' });
      continue;
    }
    for (const key of Object.keys(rule)) {
      if (key !== 'routes' && key !== 'methods') issues.push({ path: `${path}::${key}`, message: 'unknown key (use routes, methods)' });
    }
    if (rule.routes === undefined) issues.push({ path: `${path}::routes`, message: 'is required: a list of route patterns' });
    else checkStringList(rule.routes, `${path}::routes`, issues, (p) => parseRoutePattern(p).error);
    if (rule.methods !== undefined) {
      checkStringList(rule.methods, `${path}::methods`, issues, (m) => (METHOD.test(m) ? undefined : `"${m}" is not an upper-case HTTP method`));
    }
  }
  for (const [metric, cls] of Object.entries(config.metrics ?? {})) {
    if (typeof cls !== 'string' || !CLASS_NAME.test(cls)) issues.push({ path: `metrics::${metric}`, message: CLASS_NAME_HINT });
  }
  checkStringList(config.db_query_classes, 'db_query_classes', issues, (c) => (CLASS_NAME.test(c) ? undefined : CLASS_NAME_HINT));
  checkStringList(config.cache_systems, 'cache_systems', issues);
  if (!Number.isInteger(config.max_cached_decisions) || config.max_cached_decisions < 1) {
    issues.push({ path: 'max_cached_decisions', message: 'must be a positive integer' });
  }
  return issues;
}
