// deploy/prometheus.yml and its rules pass promtool, and every rule has unit tests that exercise it.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployDir, runTool } from './tools.js';

interface RuleGroup {
  rules: { alert?: string; record?: string }[];
}
interface RuleTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const ruleFiles = readdirSync(join(deployDir, 'rules')).filter((f) => f.endsWith('.yml')).map((f) => `rules/${f}`);
const ruleTestFiles = readdirSync(join(deployDir, 'rules-tests'))
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => `rules-tests/${f}`);

describe('deploy/prometheus.yml', () => {
  it('passes promtool check config (rule files included)', async () => {
    const result = await runTool('promtool', ['check', 'config', 'prometheus.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('keeps the job/instance labels iora writes (service name, service.instance.id) on the iora jobs', () => {
    const config = parse(readFileSync(join(deployDir, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; honor_labels?: boolean }[];
    };
    const iora = config.scrape_configs.filter((c) => c.job_name.startsWith('iora-'));
    expect(iora.map((c) => c.job_name).sort()).toEqual(['iora-agents', 'iora-collector']);
    for (const job of iora) expect(job.honor_labels, job.job_name).toBe(true);
  });
});

describe('deploy/rules', () => {
  it('passes promtool check rules', async () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    const result = await runTool('promtool', ['check', 'rules', ...ruleFiles]);
    expect(result.code, result.output).toBe(0);
  });

  it('passes its unit tests (promtool test rules)', async () => {
    const result = await runTool('promtool', ['test', 'rules', ...ruleTestFiles]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('has a unit test that expects each alert to fire', () => {
    const alerts = ruleFiles.flatMap((f) => {
      const doc = parse(readFileSync(join(deployDir, f), 'utf8')) as { groups: RuleGroup[] };
      return doc.groups.flatMap((g) => g.rules.map((r) => r.alert).filter((a): a is string => a !== undefined));
    });
    const firingInTests = new Set(
      ruleTestFiles.flatMap((f) => {
        const doc = parse(readFileSync(join(deployDir, f), 'utf8')) as RuleTestFile;
        return doc.tests.flatMap((t) =>
          (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
        );
      }),
    );
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.filter((a) => !firingInTests.has(a))).toEqual([]);
  });

  it('labels every alert with a severity Alertmanager routes and a service it groups by', () => {
    for (const f of ruleFiles) {
      const doc = parse(readFileSync(join(deployDir, f), 'utf8')) as {
        groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[];
      };
      for (const rule of doc.groups.flatMap((g) => g.rules).filter((r) => r.alert)) {
        expect(['low', 'medium', 'high', 'critical'], `${rule.alert} severity`).toContain(rule.labels?.severity);
        expect(rule.labels?.service, `${rule.alert} service`).toBeTruthy();
      }
    }
  });
});
