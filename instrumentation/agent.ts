// Builds and runs the preload agent: settings from the environment, the meter provider with iora's views,
// HTTP server timing from diagnostics channels, the OpenTelemetry instrumentations (DB spans → metrics),
// process resources, business instruments, and where the metrics go — the in-process pipeline (embedded
// mode) or an OTLP/HTTP push to an iora collector (collector mode). register.ts only calls startAgent().
// Everything here is importable without side effects, so tests drive it with their own reader.

import module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { context, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { InProcessSource } from '../src/pipeline/component.js';
import type { Attributes } from '../src/pipeline/model.js';
import { createBusinessInstruments, publishBusinessInstruments } from './business.js';
import { CacheRecorder } from './cache.js';
import { DbSpanMetricsProcessor } from './db/span-metrics.js';
import { RequestDurationHistogram } from './http/request-histogram.js';
import { ServerRequestRecorder } from './http/server-requests.js';
import { createInstrumentations } from './instrumentations.js';
import { InProcessReader } from './in-process-reader.js';
import { createAgentLogger } from './logger.js';
import { ProcessMetrics } from './process-metrics.js';
import { agentResource } from './resource.js';
import { readSettings, type AgentSettings } from './settings.js';
import { AGENT_METER, agentViews } from './views.js';

export interface PipelineContext {
  settings: AgentSettings;
  logger: Logger;
  /** The agent's resource, for the pipeline's self-telemetry. */
  resource: Attributes;
  /** Names the ports the pipeline serves on (its /metrics), so requests to them are not measured as the app's. */
  ignoreServerPorts(ports: readonly number[]): void;
}

/** Starts the embedded pipeline fed by `source`; resolves to its shutdown. */
export type PipelineStarter = (source: InProcessSource, context: PipelineContext) => Promise<() => Promise<void>>;

export interface AgentOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** URL of the directory holding the built agent (dist/instrumentation/): locates the hook, pipeline and YAML. */
  baseUrl: string;
  /** Register the import-in-the-middle loader hook so ES modules get instrumented (the preload does). */
  registerEsmHook: boolean;
  logger?: Logger;
  startPipeline?: PipelineStarter;
}

export class Agent {
  private stopping: Promise<void> | undefined;
  private stopPipeline: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);

  constructor(
    readonly settings: AgentSettings,
    readonly logger: Logger,
    readonly meterProvider: MeterProvider,
    private readonly tracerProvider: BasicTracerProvider,
    private readonly parts: { shutdown(): void }[],
    private readonly disableInstrumentations: () => void,
  ) {}

  /** @internal started by startAgent() once the reader is wired. */
  runPipeline(starting: Promise<() => Promise<void>>): void {
    this.stopPipeline = starting.catch((err: unknown) => {
      this.logger.error({ err }, `iora pipeline not started, metrics are collected but not exported: ${errorText(err)}`);
      return undefined;
    });
  }

  /** Collects now and delivers to the pipeline or pushes to the collector (and exports pending spans); never rejects. */
  async flush(): Promise<void> {
    await Promise.all([
      settle(this.logger, 'metrics', this.meterProvider.forceFlush()),
      settle(this.logger, 'spans', this.tracerProvider.forceFlush()),
    ]);
  }

  /** Flushes a last collection through the pipeline or exporter, then stops everything. Safe twice. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.disableInstrumentations();
      for (const part of this.parts) part.shutdown();
      publishBusinessInstruments(undefined);
      const stopPipeline = await this.stopPipeline;
      await settle(this.logger, 'metrics', this.meterProvider.shutdown());
      await settle(this.logger, 'spans', this.tracerProvider.shutdown());
      if (stopPipeline) await settle(this.logger, 'pipeline', stopPipeline());
    })();
    return this.stopping;
  }
}

async function settle(logger: Logger, what: string, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    logger.warn({ err }, `iora agent: flushing ${what} at shutdown failed`);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loaded only in collector mode (the protobuf exporter alone adds ~0.3 s to startup), and synchronously:
 * under --require, instrumentations must be in place before the app's next require.
 */
function otlpExporter(settings: AgentSettings, baseUrl: string): PushMetricExporter {
  const url = settings.collectorUrl;
  const load = createRequire(baseUrl);
  if (settings.otlpProtocol === 'http/json') {
    const { OTLPMetricExporter } = load('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http');
    return new OTLPMetricExporter({ url });
  }
  const { OTLPMetricExporter } = load('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
  return new OTLPMetricExporter({ url });
}

/** The default embedded pipeline: the package's own config loader and service, loaded only in embedded mode. */
export function packagePipelineStarter(baseUrl: string): PipelineStarter {
  return async (source, { settings, logger, resource, ignoreServerPorts }) => {
    const { loadConfig } = (await import(new URL('../src/pipeline/config.js', baseUrl).href)) as typeof import('../src/pipeline/config.js');
    const { Service } = (await import(new URL('../src/pipeline/service.js', baseUrl).href)) as typeof import('../src/pipeline/service.js');
    const path = settings.configPath ?? fileURLToPath(new URL('../../pipelines/default.yaml', baseUrl));
    const { config, errors } = loadConfig(path, process.env);
    if (!config) throw new Error(`invalid pipeline config ${path}: ${errors.join('; ')}`);
    ignoreServerPorts([...config.receivers.values(), ...config.exporters.values()].flatMap((c) => endpointPort(c.config)));
    const service = new Service(config, { logger: logger.child({ component: 'pipeline' }), host: { inProcess: source }, resource });
    await service.start();
    logger.info({ config: path }, 'iora pipeline running in-process');
    return () => service.shutdown();
  };
}

/** The port of a component's `endpoint: host:port` setting, if it has one. */
function endpointPort(config: object): number[] {
  const endpoint = (config as { endpoint?: unknown }).endpoint;
  const port = typeof endpoint === 'string' ? Number(/:(\d+)$/.exec(endpoint)?.[1]) : NaN;
  return Number.isInteger(port) && port > 0 ? [port] : [];
}

/**
 * OTEL_TRACES_EXPORTER=otlp: spans go to OTLP/HTTP (protobuf; OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_BSP_* as usual), and context propagates (AsyncLocalStorage, W3C trace
 * context) so outgoing calls carry it. Loaded only then, like the metrics exporters.
 */
function traceExport(baseUrl: string): SpanProcessor {
  const load = createRequire(baseUrl);
  const { AsyncLocalStorageContextManager } = load('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return new BatchSpanProcessor(new OTLPTraceExporter());
}

function registerEsmHook(baseUrl: string, logger: Logger): void {
  if (typeof module.register !== 'function') {
    logger.warn('this Node.js has no module.register (needs 20.6+): ES modules are not instrumented');
    return;
  }
  module.register('@opentelemetry/instrumentation/hook.mjs', baseUrl);
}

/**
 * Starts the agent, or returns undefined when OTEL_SDK_DISABLED=true. Synchronous, so a CommonJS preload has
 * patched everything before the app's first require; the pipeline starts in the background.
 * Throws only on a bug; callers catch.
 */
export function startAgent(options: AgentOptions): Agent | undefined {
  const { settings, problems } = readSettings(options.env, options.cwd);
  const logger = options.logger ?? createAgentLogger(settings.logLevel, settings.logFile);
  for (const problem of problems) logger.warn(`iora agent config: ${problem}`);
  if (settings.disabled) {
    logger.info('OTEL_SDK_DISABLED=true: iora agent not started');
    return undefined;
  }
  if (options.registerEsmHook) registerEsmHook(options.baseUrl, logger);

  const resource = agentResource(options.env);
  const on = settings.instrumentations;
  const requestDurations = on.has('http') ? new RequestDurationHistogram(resource) : undefined;
  const metricProducers = requestDurations ? [requestDurations] : [];
  let reader: MetricReader;
  let inProcess: InProcessReader | undefined;
  if (settings.collectorUrl) {
    reader = new PeriodicExportingMetricReader({
      exporter: otlpExporter(settings, options.baseUrl),
      exportIntervalMillis: settings.exportIntervalMs,
      exportTimeoutMillis: Math.min(settings.exportTimeoutMs, settings.exportIntervalMs),
      metricProducers,
    });
  } else {
    reader = inProcess = new InProcessReader(settings.exportIntervalMs, logger, metricProducers);
  }
  const meterProvider = new MeterProvider({ resource, views: agentViews(), readers: [reader] });
  const meter = meterProvider.getMeter(AGENT_METER);
  const onError = (source: string) => (err: unknown) => logger.warn({ err }, `iora agent: ${source} failed; skipped`);

  const parts: { shutdown(): void }[] = [];
  const serverRequests = requestDurations ? new ServerRequestRecorder(requestDurations, onError('HTTP server timing')) : undefined;
  if (serverRequests) parts.push(serverRequests);
  if (on.has('process')) parts.push(new ProcessMetrics(meter, { dataDir: settings.dataDir, onError: (s, err) => onError(`process metric ${s}`)(err) }));
  const cache = new CacheRecorder(meter);
  publishBusinessInstruments(createBusinessInstruments(meter, cache));

  const spanProcessors: SpanProcessor[] = [new DbSpanMetricsProcessor(meter)];
  if (settings.traces) spanProcessors.push(traceExport(options.baseUrl));
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });
  const disableInstrumentations = registerInstrumentations({
    instrumentations: createInstrumentations(on, cache, settings.traces, settings.collectorUrl ? [new URL(settings.collectorUrl)] : []),
    tracerProvider,
    meterProvider,
  });

  const agent = new Agent(settings, logger, meterProvider, tracerProvider, parts, disableInstrumentations);
  if (inProcess) {
    const starter = options.startPipeline ?? packagePipelineStarter(options.baseUrl);
    agent.runPipeline(
      starter(inProcess, {
        settings,
        logger,
        resource: plainAttributes(resource.attributes),
        ignoreServerPorts: (ports) => serverRequests?.ignoreServerPorts(ports),
      }),
    );
  }
  logger.debug({ mode: settings.collectorUrl ? 'collector' : 'embedded', collector: settings.collectorUrl }, 'iora agent started');
  return agent;
}

function plainAttributes(attrs: Record<string, unknown>): Attributes {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
