// Config of the `otlp` receiver (OTLP/HTTP). Key names follow the OpenTelemetry Collector's otlp receiver
// where it has one (endpoint, max_request_body_size, metrics_url_path, auth).

import type { ConfigIssue } from '../../pipeline/component.js';
import { checkDuration } from '../../pipeline/duration.js';

export interface OtlpReceiverConfig {
  /** `host:port` to listen on (`[::1]:4318` for IPv6, `:4318` for every interface); port 0 picks a free port. */
  endpoint: string;
  metrics_url_path: string;
  /** Bytes, checked before and after decompression (the Collector's default: 20 MiB). */
  max_request_body_size: number;
  /** Requests read, decoded and handed downstream at the same time. */
  max_concurrent_requests: number;
  /** Requests waiting for a slot; one more is answered 429. */
  max_queued_requests: number;
  /** How long a request may wait for a slot before it is answered 503. */
  max_queue_wait: string;
  /** Retry-After sent with 429 and 503 (whole seconds, rounded up). */
  retry_after: string;
  /** Time allowed for a client to send a whole request. */
  read_timeout: string;
  /** Empty: no authentication. Otherwise clients must send `Authorization: Bearer <token>`. */
  auth: { bearer_token: string };
}

export function createDefaultConfig(): OtlpReceiverConfig {
  return {
    endpoint: '127.0.0.1:4318',
    metrics_url_path: '/v1/metrics',
    max_request_body_size: 20 * 1024 * 1024,
    max_concurrent_requests: 16,
    max_queued_requests: 128,
    max_queue_wait: '5s',
    retry_after: '1s',
    read_timeout: '30s',
    auth: { bearer_token: '' },
  };
}

export interface Endpoint {
  /** Empty: every interface. */
  host: string;
  port: number;
}

const ENDPOINT = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/;

export function parseEndpoint(endpoint: string): Endpoint | undefined {
  const match = ENDPOINT.exec(endpoint.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}

function positiveInteger(value: number, path: string, issues: ConfigIssue[], min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    issues.push({ path, message: `must be an integer ≥ ${min}, got ${String(value)}` });
  }
}

export function validate(config: OtlpReceiverConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!parseEndpoint(config.endpoint)) {
    issues.push({ path: 'endpoint', message: `must be host:port (port 0–65535), got "${config.endpoint}"` });
  }
  if (!config.metrics_url_path.startsWith('/')) {
    issues.push({ path: 'metrics_url_path', message: `must start with "/", got "${config.metrics_url_path}"` });
  }
  positiveInteger(config.max_request_body_size, 'max_request_body_size', issues);
  positiveInteger(config.max_concurrent_requests, 'max_concurrent_requests', issues);
  positiveInteger(config.max_queued_requests, 'max_queued_requests', issues, 0);
  for (const key of ['max_queue_wait', 'retry_after', 'read_timeout'] as const) {
    const problem = checkDuration(config[key], { allowZero: key === 'max_queue_wait' });
    if (problem) issues.push({ path: key, message: problem });
  }
  if (/\s/.test(config.auth.bearer_token)) {
    issues.push({ path: 'auth::bearer_token', message: 'must not contain whitespace' });
  }
  return issues;
}
