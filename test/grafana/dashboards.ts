// Reads the provisioned Grafana dashboards (grafana/dashboards/*.json) and the datasources they may use,
// and expands a panel query's variables the way Grafana does, so tests can lint the JSON and run every
// query through a real Prometheus.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const grafanaDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'grafana');

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string } };
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query: { query: string } | string;
  datasource?: { type: string; uid: string };
  allValue?: string;
  includeAll?: boolean;
  current?: { value: string | string[] };
}

export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  links: { type: string; tags?: string[]; includeVars?: boolean; keepTime?: boolean }[];
  templating: { list: Variable[] };
  panels: Panel[];
}

export interface DashboardFile {
  file: string;
  dashboard: Dashboard;
}

export function loadDashboards(): DashboardFile[] {
  const dir = join(grafanaDir, 'dashboards');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' nested panels included, without the rows themselves. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export function variableQuery(v: Variable): string {
  return typeof v.query === 'string' ? v.query : v.query.query;
}

export interface ProvisionedDatasource {
  name: string;
  uid: string;
  type: string;
  url: string;
}

export function loadDatasources(): ProvisionedDatasource[] {
  const dir = join(grafanaDir, 'provisioning', 'datasources');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as { datasources: ProvisionedDatasource[] }).datasources);
}

/** Grafana's global variables a query may use besides the dashboard's own. */
export const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__interval_ms', '__range_s', '__range_ms']);

/** Names of the variables a query refers to (`$name`, `${name}`, `[[name]]`). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)) names.add((m[1] ?? m[2] ?? m[3])!);
  return [...names];
}

/**
 * The query as Grafana sends it: dashboard variables replaced by the given values (a regex alternation
 * for several), Grafana's interval variables by fixed windows suited to a short test scrape interval.
 */
export function expandQuery(expr: string, values: Readonly<Record<string, string>>, rateInterval = '30s'): string {
  const builtins: Record<string, string> = {
    __rate_interval: rateInterval,
    __interval: rateInterval,
    __range: '5m',
    __interval_ms: '30000',
    __range_s: '300',
    __range_ms: '300000',
  };
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    return builtins[name] ?? values[name] ?? whole;
  });
}
