// Keeps README.md's "Pipeline components reference" true to the code:
// - every factory of src/components.ts has a `#### \`type\`` section under its kind, whose table lists
//   exactly the keys of createDefaultConfig() (nested keys as `a.b`; a free-form key is one row with its
//   default, its contents may be explained by `<name>` rows) with the code's default (each default cell
//   is read as YAML, so `1m` is a string, `""` empty, `[50, 95, 99]` a list, and must deep-equal the code);
// - each section's "Used in:" names exactly the shipped pipeline files whose pipelines use that type;
// - the series table lists exactly the series src/ publishes. Derived series are found where src/ names
//   one: `name: 'iora_…'`, `gauge('iora_…'` or `.add('iora_…'`; self-telemetry instruments from
//   `meter.create<Instrument>('iora.…', { unit })`, turned into their Prometheus names by
//   prometheusMetricName (counters get `_total`, units their word). Any other `iora_*` name in src/ code
//   must be explained somewhere: the series table, the README's text (labels such as
//   iora_operation_class), or the Prometheus name of one of the agent's own `iora.*` instruments.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exporters, processors, receivers } from '../../src/components.js';
import type { ComponentKind, Factory } from '../../src/pipeline/component.js';
import type { Metric } from '../../src/pipeline/model.js';
import { prometheusMetricName } from '../../src/pipeline/prometheus-names.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION_TITLE = '## Pipeline components reference';
const SERIES_TITLE = '### Series the pipeline publishes';
const KIND_HEADINGS: Readonly<Record<string, ComponentKind>> = { Receivers: 'receiver', Processors: 'processor', Exporters: 'exporter' };
const PIPELINE_FILES = [
  ...readdirSync(join(ROOT, 'pipelines'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `pipelines/${f}`),
  'deploy/collector.yaml',
];

interface ComponentDoc {
  /** Key → the default cell's content between backticks, or undefined when the cell is empty. */
  rows: Map<string, string | undefined>;
  usedIn: string[] | undefined;
}

function referenceSection(): string {
  const start = README.indexOf(`\n${SECTION_TITLE}\n`);
  expect(start, `README.md has a "${SECTION_TITLE}" section`).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** Cells of a markdown table row (no escaped pipes are used in these tables). */
function cells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

function unquote(cell: string): string | undefined {
  const m = /^`(.*)`$/.exec(cell);
  return m?.[1];
}

/** Table rows (header and separator skipped) of the first table in `block` after the line starting with `header`. */
function tableRows(block: string, header: string): string[][] {
  const lines = block.split('\n');
  const at = lines.findIndex((l) => l.startsWith(header));
  if (at < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

function parseComponentDocs(section: string): Map<string, ComponentDoc> {
  const docs = new Map<string, ComponentDoc>();
  let kind: ComponentKind | undefined;
  for (const part of section.split(/\n(?=#{3,4} )/)) {
    const kindHeading = /^### (\w+)\n/.exec(part);
    if (kindHeading) kind = KIND_HEADINGS[kindHeading[1]!];
    const typeHeading = /^#### `([a-z]+)`\n/.exec(part);
    if (!typeHeading || kind === undefined) continue;
    const rows = new Map<string, string | undefined>();
    for (const [key, value] of tableRows(part, '| key | default |')) {
      const name = unquote(key ?? '');
      expect(name, `${kind} ${typeHeading[1]}: key cell "${key}" is written in backticks`).toBeDefined();
      rows.set(name!, value === '' || value === undefined ? undefined : unquote(value));
    }
    const usedLine = part.split('\n').find((l) => l.startsWith('Used in:'));
    const usedIn = usedLine === undefined ? undefined : [...usedLine.matchAll(/`([^`]+\.yaml)`/g)].map((m) => m[1]!).sort();
    docs.set(`${kind}/${typeHeading[1]}`, { rows, usedIn });
  }
  return docs;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dotted key → default; objects are descended into unless free-form (`::` paths) or empty. */
function flattenDefaults(config: object, freeform: ReadonlySet<string>, prefix: string[] = [], out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(config)) {
    const path = [...prefix, key];
    if (isPlainObject(value) && Object.keys(value).length > 0 && !freeform.has(path.join('::'))) flattenDefaults(value, freeform, path, out);
    else out.set(path.join('.'), value);
  }
  return out;
}

const factories: readonly Factory[] = [...receivers, ...processors, ...exporters];
const docs = parseComponentDocs(referenceSection());

describe('README component reference against createDefaultConfig()', () => {
  it('documents exactly the registered components', () => {
    expect([...docs.keys()].sort()).toEqual(factories.map((f) => `${f.kind}/${f.type}`).sort());
  });

  for (const factory of factories) {
    it(`${factory.kind} ${factory.type}: every key, with the code's default`, () => {
      const doc = docs.get(`${factory.kind}/${factory.type}`);
      expect(doc, `README section "#### \`${factory.type}\`" under ${factory.kind}s`).toBeDefined();
      const freeform = new Set(factory.freeformKeys ?? []);
      const defaults = flattenDefaults(factory.createDefaultConfig(), freeform);
      const documented = [...doc!.rows.keys()].filter((k) => !k.includes('<'));
      expect(documented.filter((k) => !defaults.has(k)), 'README keys the code does not have').toEqual([]);
      expect([...defaults.keys()].filter((k) => !doc!.rows.has(k)), 'config keys missing from the README table').toEqual([]);
      for (const [key, value] of defaults) {
        const cell = doc!.rows.get(key);
        expect(cell, `${factory.type}: default of \`${key}\` is given in backticks`).toBeDefined();
        expect(parseYaml(cell!), `${factory.type}: default of \`${key}\``).toEqual(value);
      }
      for (const key of [...doc!.rows.keys()].filter((k) => k.includes('<'))) {
        const parent = key.slice(0, key.indexOf('.<'));
        expect(freeform.has(parent.split('.').join('::')), `${factory.type}: \`${key}\` explains a free-form key`).toBe(true);
      }
    });
  }
});

describe('README "Used in" lines against the pipeline files', () => {
  const usage = new Map<string, Set<string>>();
  for (const file of PIPELINE_FILES) {
    const config = parseYaml(readFileSync(join(ROOT, file), 'utf8')) as { service: { pipelines: Record<string, Record<string, string[] | undefined>> } };
    for (const pipeline of Object.values(config.service.pipelines)) {
      for (const kind of ['receiver', 'processor', 'exporter'] as const) {
        for (const id of pipeline[`${kind}s`] ?? []) {
          const key = `${kind}/${id.split('/')[0]}`;
          usage.set(key, (usage.get(key) ?? new Set()).add(file));
        }
      }
    }
  }

  it.each(factories.map((f) => `${f.kind}/${f.type}`))('%s', (key) => {
    const doc = docs.get(key);
    expect(doc?.usedIn, `${key} has a "Used in:" line`).toBeDefined();
    expect(doc!.usedIn).toEqual([...(usage.get(key) ?? [])].sort());
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

/** Source without whole-line comments (`//`, `/*`, ` *`), so names mentioned in prose are not taken for code. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l))
    .join('\n');
}

const INSTRUMENT = /\.create(Counter|UpDownCounter|Histogram|Gauge|ObservableCounter|ObservableUpDownCounter|ObservableGauge)\(\s*'(iora\.[a-z0-9_.]+)'\s*(?:,\s*\{([\s\S]*?)\}\s*)?\)/g;

/** OTel name → Prometheus name of every `iora.*` instrument created in `dir`. */
function instruments(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of sourceFiles(dir)) {
    for (const [, instrument, name, options] of code(file).matchAll(INSTRUMENT)) {
      const unit = /\bunit\s*:\s*'([^']*)'/.exec(options ?? '')?.[1] ?? '';
      const kind: Metric['kind'] = instrument!.endsWith('Histogram') ? 'histogram' : instrument!.endsWith('Gauge') ? 'gauge' : 'sum';
      out.set(name!, prometheusMetricName({ name: name!, unit, kind, monotonic: instrument!.endsWith('Counter') && !instrument!.includes('UpDown') }));
    }
  }
  return out;
}

const DERIVED = /(?:\bname\s*:\s*|\b(?:add|gauge)\(\s*)'(iora_[a-z0-9_]*[a-z0-9])'/g;

describe('README series table against src/', () => {
  const section = referenceSection();
  const seriesBlock = section.slice(section.indexOf(SERIES_TITLE));
  const documented = tableRows(seriesBlock, '| series |').map((row) => unquote(row[0] ?? '') ?? row[0] ?? '');
  const srcFiles = sourceFiles('src');
  const derived = new Set(srcFiles.flatMap((f) => [...code(f).matchAll(DERIVED)].map((m) => m[1]!)));
  const selfTelemetry = new Set(instruments('src').values());

  it('lists exactly the derived and self-telemetry series src/ publishes', () => {
    expect(section.includes(SERIES_TITLE), `"${SERIES_TITLE}" in the reference`).toBe(true);
    expect(derived.size).toBeGreaterThan(0);
    expect(selfTelemetry.size).toBeGreaterThan(0);
    expect(new Set(documented).size, 'no series listed twice').toBe(documented.length);
    const published = new Set([...derived, ...selfTelemetry]);
    expect(documented.filter((n) => !published.has(n)), 'documented series src/ does not publish').toEqual([]);
    expect([...published].filter((n) => !documented.includes(n)), 'series src/ publishes that are not documented').toEqual([]);
  });

  it('explains every other iora_* name in src/ code', () => {
    const agentSeries = new Set(instruments('instrumentation').values());
    const tokens = new Set(srcFiles.flatMap((f) => [...code(f).matchAll(/\biora_[a-z0-9_]+/g)].map((m) => m[0]).filter((t) => !t.endsWith('_'))));
    const unexplained = [...tokens].filter((t) => !documented.includes(t) && !agentSeries.has(t) && !new RegExp(`\\b${t}\\b`).test(README));
    expect(unexplained).toEqual([]);
  });

  it("names the agent's own iora.* instruments in the Metrics table", () => {
    const names = [...instruments('instrumentation').keys()];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !README.includes(`\`${n}\``))).toEqual([]);
  });
});
