// Lint of the provisioned dashboards: every panel queries a provisioned datasource by uid, ids are unique,
// layout fits the grid, every variable a query uses exists (and every variable is used), every panel
// has a unit, the dashboards link to each other, and every PromQL expression parses (promtool).

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  BUILTIN_VARIABLES,
  expandQuery,
  loadDashboards,
  loadDatasources,
  panelsOf,
  referencedVariables,
  variableQuery,
} from './dashboards.js';

const dashboards = loadDashboards();
const datasources = loadDatasources();

describe('grafana/dashboards', () => {
  it('are the four the stack documents, each with a unique uid', () => {
    expect(dashboards.map((d) => d.dashboard.title).sort()).toEqual([
      'iora / Baselines & regressions',
      'iora / Database',
      'iora / Overview',
      'iora / Resources',
    ]);
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('link to each other (tag link carrying variables and time range)', () => {
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.tags, file).toContain('iora');
      expect(dashboard.links, file).toContainEqual(
        expect.objectContaining({ type: 'dashboards', tags: ['iora'], includeVars: true, keepTime: true }),
      );
    }
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      const panels = panelsOf(dashboard);
      const variables = dashboard.templating.list;

      it('has unique panel ids and a layout inside the 24-column grid without overlaps', () => {
        const all = [...dashboard.panels, ...panels.filter((p) => !dashboard.panels.includes(p))];
        const ids = all.map((p) => p.id);
        expect(new Set(ids).size, 'duplicate panel id').toBe(ids.length);
        const cells = new Map<string, string>();
        for (const p of all) {
          const { x, y, w, h } = p.gridPos;
          expect(x + w, `${p.title} wider than the grid`).toBeLessThanOrEqual(24);
          for (let i = x; i < x + w; i++) {
            for (let j = y; j < y + h; j++) {
              const other = cells.get(`${i},${j}`);
              expect(other, `${p.title} overlaps ${other}`).toBeUndefined();
              cells.set(`${i},${j}`, p.title);
            }
          }
        }
      });

      it('queries only provisioned datasources, by uid', () => {
        const uids = new Set(datasources.map((d) => `${d.type}/${d.uid}`));
        const used = [
          ...panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
          ...variables.map((v) => v.datasource),
        ];
        for (const ds of used) {
          expect(ds, 'a panel, target or variable without a datasource').toBeDefined();
          expect([...uids]).toContain(`${ds!.type}/${ds!.uid}`);
        }
      });

      it('gives every panel a title, a unit and at least one query', () => {
        for (const p of panels) {
          expect(p.title, `panel ${p.id}`).toBeTruthy();
          expect(p.fieldConfig?.defaults.unit, `${p.title}: unit`).toBeTruthy();
          expect(p.targets?.length, `${p.title}: targets`).toBeGreaterThan(0);
          const refIds = p.targets!.map((t) => t.refId);
          expect(new Set(refIds).size, `${p.title}: duplicate refId`).toBe(refIds.length);
          for (const t of p.targets!) expect(t.expr.trim(), `${p.title} ${t.refId}`).not.toBe('');
        }
      });

      it('uses only variables it defines, and defines only variables it uses', () => {
        const defined = new Set(variables.map((v) => v.name));
        const texts = [...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...variables.map(variableQuery)];
        const used = new Set(texts.flatMap(referencedVariables));
        for (const name of used) {
          expect(defined.has(name) || BUILTIN_VARIABLES.has(name), `$${name} is not defined`).toBe(true);
        }
        for (const name of defined) expect(used, `$${name} is never used`).toContain(name);
        // Multi-value and "All" selections are sent as regex alternations: such variables need =~ or !~.
        for (const v of variables.filter((v) => v.includeAll)) {
          for (const text of texts) expect(text, `use =~ for $${v.name}`).not.toContain(`="$${v.name}"`);
        }
      });
    });
  }

  it('every query and variable expression is valid PromQL (promtool check rules on them)', async () => {
    const values = { service: '.*', instance: '.*', route: '.*', class: '.*', metric: '.*', quantile: '0.95' };
    const exprs = dashboards.flatMap(({ dashboard }) => [
      ...panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
      // label_values(selector, label): the selector part is PromQL; label_values(label) has none.
      ...dashboard.templating.list.flatMap((v) => /^label_values\((.+),\s*\w+\)$/.exec(variableQuery(v))?.[1] ?? []),
    ]);
    const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: expandQuery(expr, values) }));
    const dir = mkdtempSync(join(tmpdir(), 't-stack-promql-'));
    try {
      writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
      const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', join(dir, 'queries.yml')]);
      expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
