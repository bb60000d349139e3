// Loads and validates a scenarios YAML file. Every problem is reported at once, each naming the
// scenario, the field and the line, so a CI log shows everything to fix in one go.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { checkDuration, parseDuration } from '../pipeline/duration.js';
import { BenchInputError } from './input-error.js';
import {
  OPERATION_CLASSES,
  REQUEST_KEYS,
  SCENARIO_DEFAULTS,
  SCENARIO_KEYS,
  TARGET_KEYS,
  type BenchRequest,
  type OperationClass,
  type Scenario,
  type Targets,
} from './scenario.js';

type Path = (string | number)[];
type Raw = Record<string, unknown>;

interface Issue {
  path: Path;
  message: string;
}

const FILE_KEYS = ['scenarios', 'defaults'];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects issues with their YAML path while fields are read. */
class Checker {
  readonly issues: Issue[] = [];

  report(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  unknownKeys(value: Raw, allowed: readonly string[], path: Path): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.report([...path, key], `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }

  string(value: unknown, path: Path): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      this.report(path, 'must be a non-empty string');
      return undefined;
    }
    return value;
  }

  positiveNumber(value: unknown, path: Path, integer: boolean): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      this.report(path, `must be a positive ${integer ? 'integer' : 'number'}`);
      return undefined;
    }
    return value;
  }

  duration(value: unknown, path: Path, allowZero: boolean): number | undefined {
    if (value === undefined) return undefined;
    const problem = checkDuration(value, { allowZero });
    if (problem) {
      this.report(path, problem);
      return undefined;
    }
    return parseDuration(value as string);
  }

  url(value: unknown, path: Path): string | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    try {
      const parsed = new URL(text);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
    } catch {
      // reported below
    }
    this.report(path, `"${text}" is not an http(s) URL`);
    return undefined;
  }

  method(value: unknown, path: Path): string | undefined {
    if (value === undefined) return undefined;
    const text = typeof value === 'string' ? value.toUpperCase() : undefined;
    if (text === undefined || !HTTP_METHODS.includes(text)) {
      this.report(path, `must be one of ${HTTP_METHODS.join(', ')}`);
      return undefined;
    }
    return text;
  }

  headers(value: unknown, path: Path): Record<string, string> | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.report(path, 'must be a map of header name to value');
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number') out[name] = String(v);
      else this.report([...path, name], 'must be a string');
    }
    return out;
  }

  /** A string body is sent as is; a map or list is sent as JSON. */
  body(value: unknown, path: Path): { body: string; json: boolean } | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return { body: value, json: false };
    if (typeof value === 'object') return { body: JSON.stringify(value), json: true };
    this.report(path, 'must be a string, or a map/list sent as JSON');
    return undefined;
  }

  command(value: unknown, path: Path): string | undefined {
    return this.string(value, path);
  }
}

function withJsonContentType(headers: Record<string, string>, json: boolean): Record<string, string> {
  if (!json || Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) return headers;
  return { ...headers, 'content-type': 'application/json' };
}

function readRequests(c: Checker, value: unknown, path: Path): BenchRequest[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    c.report(path, 'must be a non-empty list of requests (method, path, headers, body)');
    return undefined;
  }
  return value.map((raw, i) => {
    const at = [...path, i];
    if (!isRecord(raw)) {
      c.report(at, 'must be a map with method, path, headers, body');
      return {};
    }
    c.unknownKeys(raw, REQUEST_KEYS, at);
    const request: BenchRequest = {};
    const method = c.method(raw.method, [...at, 'method']);
    const reqPath = c.string(raw.path, [...at, 'path']);
    if (reqPath !== undefined && !reqPath.startsWith('/')) c.report([...at, 'path'], 'must start with /');
    const body = c.body(raw.body, [...at, 'body']);
    const headers = c.headers(raw.headers, [...at, 'headers']);
    if (method) request.method = method;
    if (reqPath) request.path = reqPath;
    if (body) request.body = body.body;
    if (headers || body?.json) request.headers = withJsonContentType(headers ?? {}, body?.json ?? false);
    return request;
  });
}

function readTargets(c: Checker, value: unknown, path: Path): Targets {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    c.report(path, `must be a map with any of ${TARGET_KEYS.join(', ')}`);
    return {};
  }
  c.unknownKeys(value, TARGET_KEYS, path);
  const targets: Targets = {};
  for (const q of ['p50', 'p95', 'p99'] as const) {
    const ms = c.duration(value[q], [...path, q], false);
    if (ms !== undefined) targets[q] = ms;
  }
  const errorRate = value.error_rate;
  if (errorRate !== undefined) {
    if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) c.report([...path, 'error_rate'], 'must be a ratio between 0 and 1 (0.001 = 0.1%)');
    else targets.errorRate = errorRate;
  }
  const throughput = c.positiveNumber(value.throughput, [...path, 'throughput'], false);
  if (throughput !== undefined) targets.throughput = throughput;
  return targets;
}

function readScenario(c: Checker, raw: Raw, defaults: Raw, path: Path): Scenario | undefined {
  const before = c.issues.length;
  c.unknownKeys(raw, SCENARIO_KEYS, path);
  const merged = { ...SCENARIO_DEFAULTS, ...defaults, ...raw };
  // A value taken from `defaults:` is reported there (once: issues are de-duplicated).
  const at = (key: string): Path => (key in raw || !(key in defaults) ? [...path, key] : ['defaults', key]);
  // duration and amount are alternatives: the scenario's choice overrides the defaults' one.
  const load = 'amount' in raw || 'duration' in raw ? raw : defaults;

  const name = c.string(raw.name, at('name'));
  if (raw.name === undefined) c.report(at('name'), 'is required');
  const url = raw.url === undefined ? undefined : c.url(raw.url, at('url'));
  if (raw.url === undefined) c.report(at('url'), 'is required (the address to load, e.g. http://127.0.0.1:3000/users/1)');
  const method = c.method(merged.method, at('method')) ?? 'GET';
  const body = c.body(merged.body, at('body'));
  const headers = withJsonContentType(c.headers(merged.headers, at('headers')) ?? {}, body?.json ?? false);
  const requests = readRequests(c, merged.requests, at('requests'));
  if (requests && body) c.report(at('body'), 'set body or requests, not both (give each request its own body)');
  const connections = c.positiveNumber(merged.connections, at('connections'), true) ?? 1;
  const rate = c.positiveNumber(merged.rate, at('rate'), false);
  const amount = c.positiveNumber(load.amount, at('amount'), true);
  if (load.amount !== undefined && load.duration !== undefined) c.report(at('duration'), 'set duration or amount, not both');
  const durationMs = load.amount === undefined ? c.duration(load.duration ?? SCENARIO_DEFAULTS.duration, at('duration'), false) : undefined;
  const warmupMs = c.duration(merged.warmup, at('warmup'), true) ?? 0;
  const timeoutMs = c.duration(merged.timeout, at('timeout'), false) ?? 10_000;
  const setup = c.command(merged.setup, at('setup'));
  const cleanup = c.command(merged.cleanup, at('cleanup'));
  const metricsUrl = merged.metrics_url === undefined ? undefined : c.url(merged.metrics_url, at('metrics_url'));
  let operationClass: OperationClass | undefined;
  if (merged.operation_class !== undefined) {
    if (OPERATION_CLASSES.includes(merged.operation_class as OperationClass)) operationClass = merged.operation_class as OperationClass;
    else c.report(at('operation_class'), `must be one of ${OPERATION_CLASSES.join(', ')}`);
  }
  const targets = readTargets(c, merged.targets, at('targets'));
  if (merged.operation_class === undefined && merged.targets === undefined) {
    c.report(at('operation_class'), `no target: set operation_class (${OPERATION_CLASSES.join(', ')}) or targets (p95, p99, error_rate …)`);
  }

  if (c.issues.length > before || name === undefined || url === undefined) return undefined;
  const scenario: Scenario = { name, url, method, headers, connections, warmupMs, timeoutMs, targets };
  if (body) scenario.body = body.body;
  if (requests) scenario.requests = requests;
  if (rate !== undefined) scenario.rate = rate;
  if (amount !== undefined) scenario.amount = amount;
  if (durationMs !== undefined) scenario.durationMs = durationMs;
  if (setup !== undefined) scenario.setup = setup;
  if (cleanup !== undefined) scenario.cleanup = cleanup;
  if (operationClass) scenario.operationClass = operationClass;
  if (metricsUrl !== undefined) scenario.metricsUrl = metricsUrl;
  return scenario;
}

/** `scenarios[1] "checkout": duration` — the scenario's name helps more than its index. */
function describePath(path: Path, data: unknown): string {
  if (path[0] !== 'scenarios' || typeof path[1] !== 'number') return path.join('.');
  const raw = Array.isArray((data as Raw | undefined)?.scenarios) ? ((data as Raw).scenarios as unknown[])[path[1]] : undefined;
  const name = isRecord(raw) && typeof raw.name === 'string' ? ` "${raw.name}"` : '';
  const rest = path.slice(2).map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  return `scenarios[${path[1]}]${name}${rest ? `: ${rest}` : ''}`;
}

/** Line of the deepest node along `path` that exists (a missing key points at its parent map). */
function lineOf(doc: Document, counter: LineCounter, path: Path): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return counter.linePos(offset).line;
  }
  return undefined;
}

/** Validates the text of a scenarios file; `source` names it in messages. Throws BenchInputError. */
export function parseScenarioFile(text: string, source: string): Scenario[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new BenchInputError(doc.errors.map((e) => `${source}: YAML syntax: ${e.message.split('\n')[0]} (line ${counter.linePos(e.pos[0]).line})`));
  }
  const data: unknown = doc.toJS();
  const c = new Checker();
  const scenarios: Scenario[] = [];
  if (!isRecord(data)) {
    c.report([], 'must be a map with a `scenarios:` list');
  } else {
    c.unknownKeys(data, FILE_KEYS, []);
    let defaults: Raw = {};
    if (data.defaults !== undefined) {
      if (!isRecord(data.defaults)) c.report(['defaults'], 'must be a map of scenario keys');
      else {
        defaults = data.defaults;
        c.unknownKeys(defaults, SCENARIO_KEYS.filter((k) => k !== 'name'), ['defaults']);
      }
    }
    if (!Array.isArray(data.scenarios) || data.scenarios.length === 0) {
      c.report(['scenarios'], 'must be a non-empty list of scenarios');
    } else {
      const seen = new Set<string>();
      data.scenarios.forEach((raw: unknown, i) => {
        if (!isRecord(raw)) {
          c.report(['scenarios', i], 'must be a map (name, url, …)');
          return;
        }
        const scenario = readScenario(c, raw, defaults, ['scenarios', i]);
        if (typeof raw.name === 'string' && seen.has(raw.name)) c.report(['scenarios', i, 'name'], `duplicate scenario name "${raw.name}"`);
        if (typeof raw.name === 'string') seen.add(raw.name);
        if (scenario) scenarios.push(scenario);
      });
    }
  }
  if (c.issues.length > 0) {
    const messages = c.issues.map((issue) => {
      const line = lineOf(doc, counter, issue.path);
      const where = describePath(issue.path, data);
      return `${source}: ${where ? `${where}: ` : ''}${issue.message}${line ? ` (line ${line})` : ''}`;
    });
    throw new BenchInputError([...new Set(messages)]);
  }
  return scenarios;
}

export function loadScenarioFile(file: string): Scenario[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BenchInputError([`${file}: cannot read the scenario file (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  return parseScenarioFile(text, file);
}
