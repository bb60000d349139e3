// Loading a pipeline config, the way OpenTelemetry Collector users know it: YAML with `${env:VAR}`
// substitution, components keyed `type` or `type/name`, unknown keys rejected, user values merged over
// each factory's defaults, every factory's validate(), references between pipelines and components
// checked — and every problem reported at once, each with its `::` path and YAML line.

import { readFileSync } from 'node:fs';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parse as parseYamlValue, parseDocument, type Node } from 'yaml';
import type { ComponentKind, ConfigIssue, Factory } from './component.js';
import { checkDuration } from './duration.js';
import * as registry from '../components.js';

/** The factories a config may name, by kind (src/components.ts is the default). */
export interface Factories {
  receivers: readonly Factory[];
  processors: readonly Factory[];
  exporters: readonly Factory[];
}

export const defaultFactories: Factories = registry;

/** One configured component: its id as written (`regression/p99`), its type and its merged, validated config. */
export interface ComponentConfig {
  id: string;
  type: string;
  config: object;
}

export interface PipelineConfig {
  /** `metrics` or `metrics/<name>`. */
  name: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

/** `service.telemetry`: the pipeline's own logs and metrics. */
export interface TelemetryConfig {
  logs: { level: string };
  /** Self-telemetry series (`iora_pipeline_*`) are fed into every pipeline each `interval`. */
  metrics: { enabled: boolean; interval: string };
}

export interface ServiceConfig {
  receivers: ReadonlyMap<string, ComponentConfig>;
  processors: ReadonlyMap<string, ComponentConfig>;
  exporters: ReadonlyMap<string, ComponentConfig>;
  pipelines: readonly PipelineConfig[];
  telemetry: TelemetryConfig;
}

export interface LoadResult {
  config?: ServiceConfig;
  errors: string[];
}

export interface LoadOptions {
  factories?: Factories;
}

export function defaultTelemetryConfig(): TelemetryConfig {
  return { logs: { level: 'info' }, metrics: { enabled: true, interval: '10s' } };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const SECTIONS: ReadonlyArray<{ key: 'receivers' | 'processors' | 'exporters'; kind: ComponentKind }> = [
  { key: 'receivers', kind: 'receiver' },
  { key: 'processors', kind: 'processor' },
  { key: 'exporters', kind: 'exporter' },
];

const COMPONENT_ID = /^([a-z][a-z0-9_]*)(?:\/([^\s/]+))?$/;
const PIPELINE_ID = /^metrics(?:\/[^\s/]+)?$/;

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { errors: [`cannot read config ${path}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return parseConfig(text, path, env, options);
}

export function parseConfig(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Only the first: the parser's later errors are mostly consequences of it.
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    const lineText = text.split('\n')[line - 1] ?? '';
    const hint = /[{[].*\$\{/.test(lineText) ? '; inside { } or [ ], quote ${env:…} references: "${env:VAR}"' : '';
    return { errors: [`${source}: YAML syntax error: ${syntaxError.message.split('\n')[0]} (line ${line})${hint}`] };
  }
  const reader = new DocumentReader(doc, lineCounter, env);
  const root = doc.contents === null ? {} : reader.read(doc.contents as Node, []);
  const loader = new ConfigLoader(reader, options.factories ?? defaultFactories);
  const config = loader.load(root);
  const errors = reader.errors;
  return errors.length > 0 ? { errors } : { config, errors: [] };
}

type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinPath(path: readonly string[]): string {
  return path.join('::');
}

/** Turns the YAML tree into plain values, substituting env references and remembering each path's line. */
class DocumentReader {
  private readonly found: { line: number; text: string }[] = [];
  private readonly lines = new Map<string, number>();

  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Line of `path`, or of its nearest ancestor written in the file (defaults have no line). */
  lineOf(path: readonly string[]): number | undefined {
    for (let n = path.length; n > 0; n--) {
      const line = this.lines.get(joinPath(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  error(path: readonly string[], message: string): void {
    const line = this.lineOf(path);
    const where = path.length === 0 ? 'the config' : joinPath(path);
    this.found.push({ line: line ?? Infinity, text: `${where} ${message}${line === undefined ? '' : ` (line ${line})`}` });
  }

  get errorCount(): number {
    return this.found.length;
  }

  /** In file order; problems with no line (a missing section) last. */
  get errors(): string[] {
    return [...this.found].sort((a, b) => a.line - b.line).map((e) => e.text);
  }

  read(node: Node, path: string[]): unknown {
    if (isAlias(node)) return this.read(node.resolve(this.doc) as Node, path);
    if (isMap(node)) {
      const out: Plain = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPath = [...path, key];
        if (keyNode?.range) this.lines.set(joinPath(childPath), this.lineCounter.linePos(keyNode.range[0]).line);
        out[key] = pair.value === null ? null : this.read(pair.value as Node, childPath);
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const childPath = [...path, String(i)];
        const itemNode = item as Node;
        if (itemNode.range) this.lines.set(joinPath(childPath), this.lineCounter.linePos(itemNode.range[0]).line);
        return this.read(itemNode, childPath);
      });
    }
    if (isScalar(node)) {
      return typeof node.value === 'string' ? this.substitute(node.value, path) : node.value;
    }
    return null;
  }

  /**
   * `${env:VAR}` and `${env:VAR:-default}` (default when unset or empty); `$$` is a literal `$`. A value
   * that is exactly one reference is re-read as YAML, so `port: ${env:PORT}` gives a number.
   */
  private substitute(text: string, path: readonly string[]): unknown {
    if (!text.includes('$')) return text;
    const ref = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
    let whole = false;
    const out = text.replace(ref, (match, name: string | undefined, fallback: string | undefined, offset: number) => {
      if (match === '$$') return '$';
      whole = offset === 0 && match.length === text.length;
      const value = this.env[name as string];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      this.error(path, `uses environment variable ${name} which is not set (write \${env:${name}:-default} for a default)`);
      return '';
    });
    if (!whole) return out;
    try {
      return parseYamlValue(out) ?? out;
    } catch {
      return out;
    }
  }
}

/** Checks the plain config tree against the factories and builds the ServiceConfig. */
class ConfigLoader {
  /** `section::id` of every component written in the file, valid or not. */
  private readonly declared = new Set<string>();

  constructor(
    private readonly reader: DocumentReader,
    private readonly factories: Factories,
  ) {}

  private error(path: readonly string[], message: string): void {
    this.reader.error(path, message);
  }

  load(root: unknown): ServiceConfig {
    const top = this.mapping(root, []);
    for (const key of Object.keys(top)) {
      if (!['receivers', 'processors', 'exporters', 'service'].includes(key)) {
        this.error([key], 'is an unknown top-level key (valid keys: receivers, processors, exporters, service)');
      }
    }
    const sections = {
      receivers: this.loadSection(top, 'receivers', 'receiver', this.factories.receivers),
      processors: this.loadSection(top, 'processors', 'processor', this.factories.processors),
      exporters: this.loadSection(top, 'exporters', 'exporter', this.factories.exporters),
    };
    const service = this.mapping(top['service'] ?? {}, ['service']);
    for (const key of Object.keys(service)) {
      if (key !== 'pipelines' && key !== 'telemetry') {
        this.error(['service', key], 'is an unknown key (valid keys: pipelines, telemetry)');
      }
    }
    const pipelines = this.loadPipelines(service['pipelines'], sections);
    const telemetry = this.loadTelemetry(service['telemetry']);
    return { ...sections, pipelines, telemetry };
  }

  private mapping(value: unknown, path: string[]): Plain {
    if (value === null || value === undefined) return {};
    if (isPlainObject(value)) return value;
    this.error(path, 'must be a mapping');
    return {};
  }

  private loadSection(top: Plain, key: string, kind: ComponentKind, factories: readonly Factory[]): Map<string, ComponentConfig> {
    const out = new Map<string, ComponentConfig>();
    const section = this.mapping(top[key], [key]);
    for (const [id, raw] of Object.entries(section)) {
      const path = [key, id];
      this.declared.add(`${key}::${id}`);
      const match = COMPONENT_ID.exec(id);
      if (!match) {
        this.error(path, `is not a valid ${kind} id (write "type" or "type/name", e.g. "regression/p99")`);
        continue;
      }
      const type = match[1] as string;
      const factory = factories.find((f) => f.type === type);
      if (!factory) {
        const known = factories.map((f) => f.type).join(', ') || 'none';
        this.error(path, `has unknown ${kind} type "${type}" (known: ${known})`);
        continue;
      }
      const config = this.componentConfig(factory, raw, path);
      if (config) out.set(id, { id, type, config });
    }
    return out;
  }

  /** Type-check against the defaults, merge over them, run the factory's validate(). */
  private componentConfig(factory: Factory, raw: unknown, path: string[]): object | undefined {
    const defaults = factory.createDefaultConfig();
    const user = raw === null || raw === undefined ? {} : raw;
    const freeform = new Set(factory.freeformKeys ?? []);
    const before = this.reader.errorCount;
    checkShape(user, defaults, [], freeform, (rel, message) => this.error([...path, ...rel], message));
    if (this.reader.errorCount > before) return undefined;
    const merged = deepMerge(defaults, user) as object;
    let issues: ConfigIssue[];
    try {
      issues = factory.validate(merged);
    } catch (err) {
      issues = [{ path: '', message: `validation failed: ${err instanceof Error ? err.message : String(err)}` }];
    }
    for (const issue of issues) {
      this.error(issue.path === '' ? path : [...path, ...issue.path.split('::')], issue.message);
    }
    return issues.length > 0 ? undefined : merged;
  }

  private loadPipelines(
    raw: unknown,
    sections: Record<'receivers' | 'processors' | 'exporters', Map<string, ComponentConfig>>,
  ): PipelineConfig[] {
    const path = ['service', 'pipelines'];
    const pipelines = this.mapping(raw, path);
    if (Object.keys(pipelines).length === 0) {
      this.error(path, 'must define at least one pipeline (service::pipelines::metrics)');
      return [];
    }
    const out: PipelineConfig[] = [];
    for (const [name, value] of Object.entries(pipelines)) {
      const ppath = [...path, name];
      if (!PIPELINE_ID.test(name)) {
        this.error(ppath, 'is not a valid pipeline id: only metrics pipelines exist ("metrics" or "metrics/<name>")');
        continue;
      }
      const body = this.mapping(value, ppath);
      const pipeline: PipelineConfig = { name, receivers: [], processors: [], exporters: [] };
      for (const key of Object.keys(body)) {
        if (!['receivers', 'processors', 'exporters'].includes(key)) {
          this.error([...ppath, key], 'is an unknown key (valid keys: receivers, processors, exporters)');
        }
      }
      for (const { key, kind } of SECTIONS) {
        pipeline[key] = this.references(body[key], [...ppath, key], kind, key, sections[key]);
      }
      if (pipeline.receivers.length === 0 && body['receivers'] === undefined) {
        this.error(ppath, 'must list at least one receiver');
      }
      if (pipeline.exporters.length === 0 && body['exporters'] === undefined) {
        this.error(ppath, 'must list at least one exporter');
      }
      out.push(pipeline);
    }
    return out;
  }

  private references(
    raw: unknown,
    path: string[],
    kind: ComponentKind,
    section: string,
    defined: Map<string, ComponentConfig>,
  ): string[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.error(path, `must be a list of ${kind} ids`);
      return [];
    }
    const ids: string[] = [];
    raw.forEach((item, i) => {
      const ipath = [...path, String(i)];
      if (typeof item !== 'string') {
        this.error(ipath, `must be a ${kind} id`);
      } else if (ids.includes(item)) {
        this.error(ipath, `lists "${item}" twice`);
      } else {
        // A component whose own config was invalid is already reported; only undefined ids are errors here.
        if (!defined.has(item) && !this.declared.has(`${section}::${item}`)) {
          this.error(ipath, `references ${kind} "${item}" which is not defined under ${section}`);
        }
        ids.push(item);
      }
    });
    if (raw.length === 0 && kind !== 'processor') this.error(path, `must list at least one ${kind}`);
    return ids;
  }

  private loadTelemetry(raw: unknown): TelemetryConfig {
    const path = ['service', 'telemetry'];
    const defaults = defaultTelemetryConfig();
    const before = this.reader.errorCount;
    checkShape(raw ?? {}, defaults, [], new Set(), (rel, message) => this.error([...path, ...rel], message));
    if (this.reader.errorCount > before) return defaults;
    const merged = deepMerge(defaults, raw ?? {}) as TelemetryConfig;
    if (!LOG_LEVELS.includes(merged.logs.level)) {
      this.error([...path, 'logs', 'level'], `must be one of ${LOG_LEVELS.join(', ')}`);
    }
    const interval = checkDuration(merged.metrics.interval, { min: 100 });
    if (interval) this.error([...path, 'metrics', 'interval'], interval);
    return merged;
  }
}

/** Arrays replace, mappings merge key by key, anything else replaces. Inputs are not modified. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  if (isPlainObject(value)) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Checks a user value against the default's shape: unknown keys (except under freeform paths) and value
 * types (number, string, boolean, list, mapping; a default of null or undefined accepts anything).
 */
export function checkShape(
  user: unknown,
  defaults: unknown,
  path: string[],
  freeform: ReadonlySet<string>,
  report: (path: string[], message: string) => void,
): void {
  if (defaults === null || defaults === undefined) return;
  if (isPlainObject(defaults)) {
    if (!isPlainObject(user)) {
      report(path, `must be a mapping, not ${describe(user)}`);
      return;
    }
    const open = freeform.has(joinPath(path));
    for (const [key, value] of Object.entries(user)) {
      if (!(key in defaults)) {
        if (!open) {
          const known = Object.keys(defaults).join(', ') || 'none';
          report([...path, key], `is an unknown key (valid keys: ${known})`);
        }
        continue;
      }
      checkShape(value, defaults[key], [...path, key], freeform, report);
    }
    return;
  }
  if (Array.isArray(defaults)) {
    if (!Array.isArray(user)) {
      report(path, `must be a list, not ${describe(user)}`);
      return;
    }
    const sample = defaults[0];
    if (sample !== undefined) user.forEach((item, i) => checkShape(item, sample, [...path, String(i)], freeform, report));
    return;
  }
  const expected = typeof defaults;
  if (typeof user !== expected || (expected === 'number' && !Number.isFinite(user))) {
    const word = expected === 'boolean' ? 'true or false' : `a ${expected}`;
    report(path, `must be ${word}, not ${describe(user)}`);
  }
}
