// The `otlp` receiver: OTLP/HTTP `POST /v1/metrics`, protobuf or JSON, optionally gzip/deflate, answered
// as the OTLP specification says (200 + ExportMetricsServiceResponse with partial_success, 400 with a
// google.rpc.Status reason, 401, 404, 405, 413, 415, 429/503 with Retry-After). Nothing a client sends
// can crash it: every request ends in one of those answers.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Counter } from '@opentelemetry/api';
import type { ComponentSettings, Consumer, Receiver } from '../../pipeline/component.js';
import { parseDuration } from '../../pipeline/duration.js';
import { Admission } from './admission.js';
import { BodyError, contentCoding, decompress, readBody, tooLarge } from './body.js';
import { parseEndpoint, type Endpoint, type OtlpReceiverConfig } from './config.js';
import { convertRequest } from './convert.js';
import { decodeRequest, encodingOf, type Encoding } from './decode.js';
import { MalformedError } from './fields.js';
import { CONTENT_TYPES, exportResponse, RPC_CODES, statusBody } from './response.js';

/** How long shutdown waits for requests already being handled before closing their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

interface Failure {
  status: number;
  code: number;
  message: string;
  headers?: Readonly<Record<string, string>>;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class OtlpReceiver implements Receiver {
  private server: Server | undefined;
  private readonly endpoint: Endpoint;
  private readonly admission: Admission;
  private readonly retryAfter: string;
  private readonly tokenDigest: Buffer | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly requests: Counter;
  private readonly points: Counter;
  private stopped = false;
  /** Set while the downstream keeps refusing batches, so a long outage logs once, not once per request. */
  private downstreamFailing = false;

  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: OtlpReceiverConfig,
    private readonly next: Consumer,
  ) {
    this.endpoint = parseEndpoint(config.endpoint) as Endpoint;
    this.admission = new Admission(
      config.max_concurrent_requests,
      config.max_queued_requests,
      parseDuration(config.max_queue_wait) ?? 0,
    );
    this.retryAfter = String(Math.max(1, Math.ceil((parseDuration(config.retry_after) ?? 1000) / 1000)));
    const token = config.auth.bearer_token;
    this.tokenDigest = token === '' ? undefined : sha256(token);
    this.requests = settings.meter.createCounter('iora.receiver.otlp.requests', {
      description: 'OTLP/HTTP requests answered, by HTTP status code',
    });
    this.points = settings.meter.createCounter('iora.receiver.otlp.points', {
      description: 'Data points received over OTLP, by outcome (accepted / rejected)',
    });
  }

  async start(): Promise<void> {
    if (this.server || this.stopped) return;
    const readTimeout = parseDuration(this.config.read_timeout) ?? 30_000;
    const server = createServer(
      {
        requestTimeout: readTimeout,
        headersTimeout: readTimeout,
        // Node checks those timeouts only this often (default 30 s): check often enough to enforce short ones.
        connectionsCheckingInterval: Math.min(readTimeout, 1_000),
      },
      (req, res) => this.track(this.handle(req, res)),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the address is already in use (EADDRINUSE)' : err.message;
        reject(new Error(`cannot listen on ${this.config.endpoint}: ${why}`));
      });
      server.listen(this.endpoint.port, this.endpoint.host || undefined, () => resolve());
    });
    if (this.stopped) {
      // shutdown() ran while the listener was opening: nothing may stay open.
      server.close();
      return;
    }
    server.on('error', (err) => this.settings.logger.error({ err }, 'OTLP receiver server error'));
    this.server = server;
    this.settings.logger.info({ endpoint: this.url() }, 'OTLP receiver listening');
  }

  /** Where it listens (the real port when the config said 0); undefined before start. */
  address(): Endpoint | undefined {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    return addr ? { host: addr.address, port: addr.port } : undefined;
  }

  private url(): string {
    const addr = this.address();
    if (!addr) return this.config.endpoint;
    const host = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
    return `http://${host}:${addr.port}${this.config.metrics_url_path}`;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS).unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    clearTimeout(timer);
    server.closeAllConnections();
    await closed;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const encoding = encodingOf(req.headers['content-type']);
    try {
      const failure = this.checkRequest(req, encoding);
      if (failure) return this.fail(req, res, encoding ?? 'json', failure);
      await this.admitted(req, res, encoding as Encoding);
    } catch (err) {
      // Unreachable by design; if it happens the client still gets an answer and the server keeps serving.
      this.settings.logger.error({ err }, 'OTLP receiver failed to handle a request');
      if (!res.headersSent) this.fail(req, res, encoding ?? 'json', this.unavailable('internal error'));
    }
  }

  /** Everything decidable from the request line and headers, before reading the body. */
  private checkRequest(req: IncomingMessage, encoding: Encoding | undefined): Failure | undefined {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== this.config.metrics_url_path) {
      return { status: 404, code: RPC_CODES.notFound, message: `no OTLP endpoint at ${path}; metrics go to POST ${this.config.metrics_url_path}` };
    }
    if (req.method !== 'POST') {
      return { status: 405, code: RPC_CODES.unimplemented, message: `method ${req.method} not allowed; use POST`, headers: { Allow: 'POST' } };
    }
    if (!this.authorized(req.headers.authorization)) {
      return {
        status: 401,
        code: RPC_CODES.unauthenticated,
        message: 'missing or invalid bearer token',
        headers: { 'WWW-Authenticate': 'Bearer' },
      };
    }
    if (!encoding) {
      return {
        status: 415,
        code: RPC_CODES.invalidArgument,
        message: `Content-Type "${req.headers['content-type'] ?? ''}" is not supported; use application/x-protobuf or application/json`,
      };
    }
    try {
      contentCoding(req.headers['content-encoding']);
    } catch (err) {
      return this.bodyFailure(err as BodyError);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.config.max_request_body_size) return this.bodyFailure(tooLarge(this.config.max_request_body_size));
    return undefined;
  }

  private authorized(header: string | undefined): boolean {
    if (!this.tokenDigest) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(sha256(match[1] as string), this.tokenDigest);
  }

  private async admitted(req: IncomingMessage, res: ServerResponse, encoding: Encoding): Promise<void> {
    const admit = await this.admission.acquire();
    if (admit === 'queue_full') return this.fail(req, res, encoding, this.overloaded(429, 'too many requests queued'));
    if (admit === 'timed_out') return this.fail(req, res, encoding, this.unavailable('waited too long for a free slot'));
    try {
      await this.process(req, res, encoding);
    } finally {
      this.admission.release();
    }
  }

  private async process(req: IncomingMessage, res: ServerResponse, encoding: Encoding): Promise<void> {
    const limit = this.config.max_request_body_size;
    let body: Buffer;
    try {
      const raw = await readBody(req, limit);
      body = await decompress(raw, contentCoding(req.headers['content-encoding']), limit);
    } catch (err) {
      if (err instanceof BodyError) return this.fail(req, res, encoding, this.bodyFailure(err));
      res.destroy(); // the client went away mid-body: nobody to answer
      return;
    }

    let conversion;
    try {
      conversion = convertRequest(decodeRequest(body, encoding));
    } catch (err) {
      const reason = err instanceof MalformedError ? err.message : `cannot be converted: ${(err as Error).message}`;
      return this.fail(req, res, encoding, { status: 400, code: RPC_CODES.invalidArgument, message: reason });
    }
    const { batch, acceptedPoints, rejectedPoints, reasons } = conversion;

    if (acceptedPoints > 0) {
      try {
        await this.next.consume(batch);
      } catch (err) {
        if (!this.downstreamFailing) {
          this.downstreamFailing = true;
          this.settings.logger.warn({ err }, 'the pipeline refused OTLP data; answering 503 so clients retry');
        }
        return this.fail(req, res, encoding, this.unavailable('the pipeline could not accept the data, retry later'));
      }
      if (this.downstreamFailing) {
        this.downstreamFailing = false;
        this.settings.logger.info('the pipeline accepts OTLP data again');
      }
    }
    this.points.add(acceptedPoints, { component: this.settings.id, outcome: 'accepted' });
    if (rejectedPoints > 0) {
      this.points.add(rejectedPoints, { component: this.settings.id, outcome: 'rejected' });
      this.settings.logger.debug({ rejectedPoints, reasons }, 'OTLP request partly rejected');
    }
    const message = rejectedPoints > 0 ? `rejected ${rejectedPoints} data point(s): ${reasons.join('; ')}` : '';
    this.send(res, 200, encoding, exportResponse(encoding, rejectedPoints, message));
  }

  private bodyFailure(err: BodyError): Failure {
    const code = err.status === 413 ? RPC_CODES.resourceExhausted : RPC_CODES.invalidArgument;
    return { status: err.status, code, message: err.message };
  }

  private overloaded(status: 429 | 503, message: string): Failure {
    const code = status === 429 ? RPC_CODES.resourceExhausted : RPC_CODES.unavailable;
    return { status, code, message, headers: { 'Retry-After': this.retryAfter } };
  }

  private unavailable(message: string): Failure {
    return this.overloaded(503, message);
  }

  /**
   * Answers a failed request. A body still arriving is drained (up to the size limit) rather than cut off,
   * so the client reads the answer instead of a connection reset; the connection is then closed.
   */
  private fail(req: IncomingMessage, res: ServerResponse, encoding: Encoding, failure: Failure): void {
    if (!req.complete) {
      res.setHeader('Connection', 'close');
      let drained = 0;
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > this.config.max_request_body_size) req.destroy();
      });
      req.on('error', () => undefined);
      req.resume();
    }
    for (const [name, value] of Object.entries(failure.headers ?? {})) res.setHeader(name, value);
    this.send(res, failure.status, encoding, statusBody(encoding, failure.code, failure.message));
  }

  private send(res: ServerResponse, status: number, encoding: Encoding, body: Buffer): void {
    this.requests.add(1, { component: this.settings.id, 'http.response.status_code': status });
    if (res.destroyed) return;
    res.writeHead(status, { 'Content-Type': CONTENT_TYPES[encoding], 'Content-Length': body.length });
    res.end(body);
  }
}
