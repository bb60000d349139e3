// The agent's settings, read once from the environment: the standard OTEL_* variables plus iora's IORA_*.
// Never throws: every bad value is reported (all at once, each naming its variable) and replaced by its
// default, so a typo in the environment costs a log line, not the app.

import { existsSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface AgentSettings {
  /** OTEL_SDK_DISABLED=true: the agent does nothing at all. */
  disabled: boolean;
  logLevel: LogLevel;
  logFile: string | undefined;
  /** Collection period in ms (OTEL_METRIC_EXPORT_INTERVAL); iora defaults to 5 s so a demo shows data quickly. */
  exportIntervalMs: number;
  exportTimeoutMs: number;
  /** Pipeline config for embedded mode (IORA_CONFIG); undefined: the package's pipelines/default.yaml. */
  configPath: string | undefined;
  /** Collector mode when set: full OTLP/HTTP metrics URL (…/v1/metrics). */
  collectorUrl: string | undefined;
  otlpProtocol: OtlpProtocol;
  /** OTEL_TRACES_EXPORTER=otlp: also export spans (OTLP/HTTP protobuf) and trace incoming requests. */
  traces: boolean;
  dataDir: string;
  /** Instrumentation names to turn on (OTEL_NODE_ENABLED_INSTRUMENTATIONS minus …_DISABLED_…). */
  instrumentations: ReadonlySet<InstrumentationName>;
}

export const INSTRUMENTATION_NAMES = ['http', 'undici', 'koa', 'pg', 'mysql2', 'ioredis', 'redis', 'process'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

export const DEFAULT_EXPORT_INTERVAL_MS = 5000;
const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Every IORA_* variable the agent reads. Other IORA_* names close to one of these are reported as typos. */
export const IORA_VARIABLES = ['IORA_CONFIG', 'IORA_COLLECTOR_ENDPOINT', 'IORA_DATA_DIR', 'IORA_LOG_LEVEL', 'IORA_LOG_FILE'];

export interface SettingsResult {
  settings: AgentSettings;
  /** One line per bad variable, e.g. `IORA_LOG_LEVEL="loud" is not one of fatal, …; using info`. */
  problems: string[];
}

/** Levenshtein distance, for spotting misspelt variable names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  problems.push(`${name}=${JSON.stringify(raw)} is not a positive integer (milliseconds); using ${fallback}`);
  return fallback;
}

function nameList(env: NodeJS.ProcessEnv, name: string, problems: string[]): InstrumentationName[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const out: InstrumentationName[] = [];
  for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const short = item.replace(/^@opentelemetry\/instrumentation-/, '');
    if ((INSTRUMENTATION_NAMES as readonly string[]).includes(short)) out.push(short as InstrumentationName);
    else problems.push(`${name}: unknown instrumentation ${JSON.stringify(item)} (known: ${INSTRUMENTATION_NAMES.join(', ')})`);
  }
  return out;
}

function collectorUrl(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const iora = env.IORA_COLLECTOR_ENDPOINT?.trim();
  const otel = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim();
  // IORA_COLLECTOR_ENDPOINT is a base URL like OTEL_EXPORTER_OTLP_ENDPOINT; the OTEL_…_METRICS_ variable is the full URL.
  const [name, raw, full] = iora ? ['IORA_COLLECTOR_ENDPOINT', iora, false] : ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', otel, true];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name}=${JSON.stringify(raw)} is not a URL (expected e.g. http://127.0.0.1:4318); running the pipeline in-process instead`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name}=${JSON.stringify(raw)} must be an http:// or https:// URL; running the pipeline in-process instead`);
    return undefined;
  }
  return full ? url.href : new URL('v1/metrics', url.href.endsWith('/') ? url.href : `${url.href}/`).href;
}

export function readSettings(env: NodeJS.ProcessEnv, cwd: string): SettingsResult {
  const problems: string[] = [];

  const rawLevel = env.IORA_LOG_LEVEL?.trim().toLowerCase();
  let logLevel: LogLevel = 'info';
  if (rawLevel) {
    if ((LOG_LEVELS as readonly string[]).includes(rawLevel)) logLevel = rawLevel as LogLevel;
    else problems.push(`IORA_LOG_LEVEL=${JSON.stringify(env.IORA_LOG_LEVEL)} is not one of ${LOG_LEVELS.join(', ')}; using info`);
  }

  const rawProtocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim();
  let otlpProtocol: OtlpProtocol = 'http/protobuf';
  if (rawProtocol === 'http/json') otlpProtocol = 'http/json';
  else if (rawProtocol && rawProtocol !== 'http/protobuf') {
    problems.push(`OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=${JSON.stringify(rawProtocol)} is not supported (http/protobuf, http/json); using http/protobuf`);
  }

  const rawTraces = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (rawTraces && rawTraces !== 'none' && rawTraces !== 'otlp') {
    problems.push(`OTEL_TRACES_EXPORTER=${JSON.stringify(env.OTEL_TRACES_EXPORTER)} is not supported (otlp, none); no spans are exported`);
  }

  let dataDir = path.resolve(cwd, env.IORA_DATA_DIR?.trim() || '.');
  if (!existsSync(dataDir)) {
    problems.push(`IORA_DATA_DIR=${JSON.stringify(env.IORA_DATA_DIR)} does not exist; disk metrics use the working directory`);
    dataDir = cwd;
  }

  const enabled = nameList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', problems) ?? [...INSTRUMENTATION_NAMES];
  const disabled = new Set(nameList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', problems) ?? []);

  // Pipeline YAML may read any IORA_* variable (${env:IORA_TARGET_…}), so only near-misses are typos.
  for (const name of Object.keys(env)) {
    if (!name.startsWith('IORA_') || IORA_VARIABLES.includes(name)) continue;
    const meant = IORA_VARIABLES.find((known) => editDistance(name, known) <= 2);
    if (meant) problems.push(`${name} is not an iora agent variable; did you mean ${meant}? ignored`);
  }

  const configPath = env.IORA_CONFIG?.trim() ? path.resolve(cwd, env.IORA_CONFIG.trim()) : undefined;
  return {
    settings: {
      disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
      logLevel,
      logFile: env.IORA_LOG_FILE?.trim() || undefined,
      exportIntervalMs: positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_EXPORT_INTERVAL_MS, problems),
      exportTimeoutMs: positiveInt(env, 'OTEL_METRIC_EXPORT_TIMEOUT', DEFAULT_EXPORT_TIMEOUT_MS, problems),
      configPath,
      collectorUrl: collectorUrl(env, problems),
      otlpProtocol,
      traces: rawTraces === 'otlp',
      dataDir,
      instrumentations: new Set(enabled.filter((n) => !disabled.has(n))),
    },
    problems,
  };
}
