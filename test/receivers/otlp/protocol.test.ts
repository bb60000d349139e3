// The receiver's answers, as the OTLP/HTTP specification lays them down, for good, partly bad, malformed,
// oversized, unauthorised and overloading requests — and that it keeps serving after every bad one.

import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistogramPoint } from '../../../src/pipeline/model.js';
import { RpcStatus } from '../../../src/receivers/otlp/proto.js';
import { otlpReceiverFactory } from '../../../src/receivers/otlp/factory.js';
import { type Harness, receiverSettings, startReceiver } from './harness.js';
import { mixedRequest, protobufOf, validJson, validProtobuf } from './payloads.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** POST with node:http so tests control chunking and headers exactly (no Content-Length when `chunks` is given). */
function post(url: string, headers: Record<string, string>, body: Buffer | Buffer[], method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.setHeader('Content-Length', body.length);
      req.end(body);
    }
  });
}

function rpcStatus(reply: Reply): { code: number; message: string } {
  const type = reply.headers['content-type'];
  if (type === JSON_TYPE) return JSON.parse(reply.body.toString()) as { code: number; message: string };
  expect(type).toBe(PROTOBUF);
  return RpcStatus.toObject(RpcStatus.decode(reply.body)) as { code: number; message: string };
}

let protobufBody: Buffer;
let jsonBody: Buffer;
let harness: Harness;

beforeAll(async () => {
  protobufBody = await validProtobuf();
  jsonBody = await validJson();
  harness = await startReceiver({ max_request_body_size: 64 * 1024 });
});
afterAll(() => harness.close());

/** Makes the next consume() wait until the returned release function is called. */
function blockDownstream(h: Harness): { entered: Promise<void>; release: () => void } {
  let release!: () => void;
  let signalEntered!: () => void;
  const entered = new Promise<void>((r) => (signalEntered = r));
  const gate = new Promise<void>((r) => (release = r));
  h.consumer.behaviour = async () => {
    signalEntered();
    await gate;
  };
  return { entered, release };
}

/** The server is still healthy: a valid request is accepted and delivered. */
async function expectStillServing(h: Harness = harness, headers: Record<string, string> = {}): Promise<void> {
  const before = h.consumer.batches.length;
  const reply = await post(h.url, { 'Content-Type': PROTOBUF, ...headers }, protobufBody);
  expect(reply.status).toBe(200);
  expect(h.consumer.batches.length).toBe(before + 1);
}

describe('accepted requests', () => {
  it('answers protobuf with an empty ExportMetricsServiceResponse in protobuf', async () => {
    const reply = await post(harness.url, { 'Content-Type': PROTOBUF }, protobufBody);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(PROTOBUF);
    expect(ProtobufMetricsSerializer.deserializeResponse(reply.body)).toEqual({});
  });

  it('answers JSON with {} and takes gzip and deflate bodies', async () => {
    const reply = await post(harness.url, { 'Content-Type': `${JSON_TYPE}; charset=utf-8` }, jsonBody);
    expect([reply.status, reply.headers['content-type'], reply.body.toString()]).toEqual([200, JSON_TYPE, '{}']);
    for (const encoding of ['gzip', 'deflate']) {
      const before = harness.consumer.batches.length;
      const zipped = encoding === 'gzip' ? gzipSync(protobufBody) : deflateSync(protobufBody);
      const zreply = await post(harness.url, { 'Content-Type': PROTOBUF, 'Content-Encoding': encoding }, zipped);
      expect(zreply.status).toBe(200);
      expect(harness.consumer.batches.length).toBe(before + 1);
    }
  });

  it('follows the OTLP/JSON encoding rules: int64 as strings or numbers, enums as ints, every attribute kind', async () => {
    const body = {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'json-rules' } },
              { key: 'flag', value: { boolValue: true } },
              { key: 'big', value: { intValue: '9007199254740993' } },
              { key: 'ratio', value: { doubleValue: 0.25 } },
              { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
              { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
              { key: 'raw', value: { bytesValue: 'AQID' } },
              { key: 'empty', value: {} },
            ],
          },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'c',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    isMonotonic: true,
                    dataPoints: [
                      { startTimeUnixNano: 1700000000000000000, timeUnixNano: '1700000001234567890', asInt: '12', attributes: [{ key: 'n', value: { intValue: 3 } }] },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const reply = await post(harness.url, { 'Content-Type': JSON_TYPE }, Buffer.from(JSON.stringify(body)));
    expect(reply.status).toBe(200);
    const rm = harness.consumer.batches.at(-1)?.resourceMetrics[0];
    expect(rm?.resource).toEqual({
      'service.name': 'json-rules',
      flag: true,
      big: 9007199254740992,
      ratio: 0.25,
      list: 'a,2',
      map: '{"k":"v"}',
      raw: 'AQID',
    });
    expect(rm?.scopes[0]?.metrics[0]).toEqual({
      name: 'c',
      description: '',
      unit: '',
      kind: 'sum',
      temporality: 'delta',
      monotonic: true,
      points: [{ attributes: { n: 3 }, startTimeMs: 1700000000000, timeMs: expect.closeTo(1700000001234.5679, 3), value: 12 }],
    });
  });
});

describe('partial success', () => {
  it.each([
    ['JSON', JSON_TYPE, Buffer.from(JSON.stringify(mixedRequest))],
    ['protobuf', PROTOBUF, protobufOf(mixedRequest)],
  ])('%s: invalid points are rejected and counted, valid ones delivered', async (_name, type, body) => {
    const reply = await post(harness.url, { 'Content-Type': type }, body);
    expect(reply.status).toBe(200);
    const response =
      type === JSON_TYPE
        ? (JSON.parse(reply.body.toString()) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } })
        : (ProtobufMetricsSerializer.deserializeResponse(reply.body) as { partialSuccess: { rejectedDataPoints: unknown; errorMessage: string } });
    expect(Number(response.partialSuccess.rejectedDataPoints)).toBe(6);
    const message = response.partialSuccess.errorMessage;
    expect(message).toContain('rejected 6 data point(s)');
    expect(message).toContain('asDouble must be finite, got NaN');
    expect(message).toContain('bucketCounts has 2 entries, explicitBounds has 2');

    const metrics = harness.consumer.batches.at(-1)?.resourceMetrics[0]?.scopes[0]?.metrics ?? [];
    expect(metrics.map((m) => [m.name, m.points.length])).toEqual([
      ['good.gauge', 1],
      ['good.sum', 1],
      ['good.histogram', 1],
    ]);
    const histogram = metrics[2]?.points[0] as HistogramPoint;
    expect(histogram).toMatchObject({ count: 3, sum: 0.6, bounds: [0.25], bucketCounts: [1, 2], startTimeMs: 1700000000000, timeMs: 1700000010500 });
  });
});

describe('rejected requests, each followed by a valid one', () => {
  const cases: Array<[string, () => Promise<Reply>, number, RegExp]> = [
    ['GET → 405', () => post(harness.url, { 'Content-Type': PROTOBUF }, Buffer.alloc(0), 'GET'), 405, /method GET not allowed/],
    ['other path → 404', () => post(harness.url.replace('/v1/metrics', '/v1/traces'), { 'Content-Type': PROTOBUF }, protobufBody), 404, /no OTLP endpoint at \/v1\/traces/],
    ['text/plain → 415', () => post(harness.url, { 'Content-Type': 'text/plain' }, protobufBody), 415, /Content-Type "text\/plain" is not supported/],
    ['no Content-Type → 415', () => post(harness.url, {}, protobufBody), 415, /is not supported/],
    ['brotli → 415', () => post(harness.url, { 'Content-Type': PROTOBUF, 'Content-Encoding': 'br' }, protobufBody), 415, /Content-Encoding "br"/],
    ['garbage protobuf → 400', () => post(harness.url, { 'Content-Type': PROTOBUF }, Buffer.from('this is not protobuf at all')), 400, /not a valid protobuf/],
    ['truncated protobuf → 400', () => post(harness.url, { 'Content-Type': PROTOBUF }, protobufBody.subarray(0, protobufBody.length - 7)), 400, /not a valid protobuf/],
    ['bad JSON → 400', () => post(harness.url, { 'Content-Type': JSON_TYPE }, Buffer.from('{"resourceMetrics": [')), 400, /not valid JSON/],
    ['JSON array → 400', () => post(harness.url, { 'Content-Type': JSON_TYPE }, Buffer.from('[1,2]')), 400, /must be a JSON object/],
    [
      'JSON of the wrong shape → 400 naming the path',
      () => post(harness.url, { 'Content-Type': JSON_TYPE }, Buffer.from('{"resourceMetrics":[{"scopeMetrics":[{"metrics":{"name":"x"}}]}]}')),
      400,
      /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics must be a list/,
    ],
    ['bad gzip → 400', () => post(harness.url, { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' }, protobufBody), 400, /not valid gzip data/],
    [
      'declared oversize → 413',
      () => post(harness.url, { 'Content-Type': PROTOBUF }, Buffer.alloc(64 * 1024 + 1)),
      413,
      /exceeds max_request_body_size \(65536 bytes\)/,
    ],
    [
      'oversize while streaming (chunked, no Content-Length) → 413',
      () => post(harness.url, { 'Content-Type': PROTOBUF }, Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024))),
      413,
      /exceeds max_request_body_size/,
    ],
    [
      'gzip bomb → 413',
      () => post(harness.url, { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' }, gzipSync(Buffer.alloc(50 * 1024 * 1024))),
      413,
      /exceeds max_request_body_size/,
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, reason) => {
    const reply = await send();
    expect(reply.status).toBe(status);
    const rpc = rpcStatus(reply);
    expect(rpc.message).toMatch(reason);
    expect(rpc.code).toBeGreaterThan(0);
    if (status === 405) expect(reply.headers.allow).toBe('POST');
    await expectStillServing();
  });

  it('answers in the request encoding: a protobuf request gets a protobuf google.rpc.Status', async () => {
    const reply = await post(harness.url, { 'Content-Type': PROTOBUF }, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect([reply.status, reply.headers['content-type']]).toEqual([400, PROTOBUF]);
    expect(rpcStatus(reply)).toMatchObject({ code: 3 });
  });
});

describe('bearer token', () => {
  it('401 without the right token, 200 with it', async () => {
    const secured = await startReceiver({ auth: { bearer_token: 's3cret-token' } });
    try {
      for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: 'Basic s3cret-token' }] as Array<Record<string, string>>) {
        const reply = await post(secured.url, { 'Content-Type': PROTOBUF, ...headers }, protobufBody);
        expect(reply.status).toBe(401);
        expect(reply.headers['www-authenticate']).toBe('Bearer');
        expect(rpcStatus(reply).code).toBe(16);
      }
      expect(secured.consumer.batches).toHaveLength(0);
      await expectStillServing(secured, { Authorization: 'Bearer s3cret-token' });
    } finally {
      await secured.close();
    }
  });
});

describe('overload and downstream failures', () => {
  it('429 with Retry-After when the queue is full, 503 when a request waited too long', async () => {
    const full = await startReceiver({ max_concurrent_requests: 1, max_queued_requests: 0, retry_after: '2500ms' });
    const impatient = await startReceiver({ max_concurrent_requests: 1, max_queued_requests: 5, max_queue_wait: '0s' });
    try {
      for (const [h, status] of [[full, 429], [impatient, 503]] as const) {
        const { entered, release } = blockDownstream(h);
        const first = post(h.url, { 'Content-Type': PROTOBUF }, protobufBody);
        await entered;
        const second = await post(h.url, { 'Content-Type': PROTOBUF }, protobufBody);
        expect(second.status).toBe(status);
        expect(second.headers['retry-after']).toBe(h === full ? '3' : '1');
        release();
        expect((await first).status).toBe(200);
        h.consumer.behaviour = async () => undefined;
        await expectStillServing(h);
      }
    } finally {
      await full.close();
      await impatient.close();
    }
  });

  it('queued requests are served in turn once a slot frees', async () => {
    const queued = await startReceiver({ max_concurrent_requests: 1, max_queued_requests: 4 });
    try {
      const { entered, release } = blockDownstream(queued);
      const replies = [post(queued.url, { 'Content-Type': PROTOBUF }, protobufBody)];
      await entered;
      for (let i = 0; i < 4; i++) replies.push(post(queued.url, { 'Content-Type': PROTOBUF }, protobufBody));
      release();
      expect((await Promise.all(replies)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(queued.consumer.batches).toHaveLength(5);
    } finally {
      await queued.close();
    }
  });

  it('503 with Retry-After when the downstream consumer fails, then recovers', async () => {
    harness.consumer.behaviour = async () => {
      throw new Error('exporter queue full');
    };
    const reply = await post(harness.url, { 'Content-Type': PROTOBUF }, protobufBody);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(rpcStatus(reply)).toMatchObject({ code: 14 });
    harness.consumer.behaviour = async () => undefined;
    await expectStillServing();
  });
});

describe('fuzzing', () => {
  /** mulberry32: a seeded generator, so a failing case can be replayed. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('random and mutated payloads get 200 or 400, never a crash, and the server keeps serving', async () => {
    const rand = random(20261127);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const mutate = (source: Buffer): Buffer => {
      const out = Buffer.from(source);
      const flips = 1 + Math.floor(rand() * 8);
      for (let i = 0; i < flips; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
      return rand() < 0.3 ? out.subarray(0, Math.floor(rand() * out.length)) : out;
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const kind = i % 4;
      const [type, body] =
        kind === 0
          ? [PROTOBUF, bytes(Math.floor(rand() * 512))]
          : kind === 1
            ? [PROTOBUF, mutate(protobufBody)]
            : kind === 2
              ? [JSON_TYPE, mutate(jsonBody)]
              : [JSON_TYPE, bytes(Math.floor(rand() * 256))];
      const reply = await post(harness.url, { 'Content-Type': type }, body);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      expect([200, 400], `case ${i}`).toContain(reply.status);
    }
    expect(statuses.get(400)).toBeGreaterThan(0);
    await expectStillServing();
  });
});

it('shutdown is safe without start and twice', async () => {
  const started = await startReceiver();
  await started.close();
  await started.close();
  const never = otlpReceiverFactory.create(receiverSettings(), otlpReceiverFactory.createDefaultConfig(), started.consumer);
  await never.shutdown();
  await never.shutdown();
});

describe('slow and departing clients', () => {
  it('answers 408 to a client that stops sending mid-body, and keeps serving', async () => {
    const h = await startReceiver({ read_timeout: '1s' });
    try {
      const { port } = new URL(h.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: ${PROTOBUF}\r\nContent-Length: 1000\r\n\r\n`);
          socket.write(protobufBody.subarray(0, 10)); // …and never the rest
        });
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(h.consumer.batches).toHaveLength(0);
      await expectStillServing(h);
    } finally {
      await h.close();
    }
  });

  it('a client that disconnects while queued does not keep its slot', async () => {
    const h = await startReceiver({ max_concurrent_requests: 1, max_queue_wait: '30s' });
    try {
      const { entered, release } = blockDownstream(h);
      const first = post(h.url, { 'Content-Type': PROTOBUF }, protobufBody);
      await entered;
      const { port } = new URL(h.url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: ${PROTOBUF}\r\nContent-Length: 1000\r\n\r\n`);
          socket.write(protobufBody.subarray(0, 10), () => setImmediate(() => socket.destroy()));
        });
        socket.on('close', () => resolve());
      });
      // A request answered without queueing: by then the server has also seen the disconnect.
      expect((await post(h.url.replace('/v1/metrics', '/elsewhere'), {}, Buffer.alloc(0))).status).toBe(404);
      h.consumer.behaviour = async () => undefined;
      release();
      expect((await first).status).toBe(200);
      await expectStillServing(h); // would wait in the queue forever if the departed request held the slot
    } finally {
      await h.close();
    }
  });

  it('shutdown lets a request already in the pipeline finish, then refuses new connections', async () => {
    const h = await startReceiver();
    const { entered, release } = blockDownstream(h);
    const reply = post(h.url, { 'Content-Type': PROTOBUF }, protobufBody);
    await entered;
    const closed = h.close();
    release();
    expect((await reply).status).toBe(200);
    await closed;
    await expect(post(h.url, { 'Content-Type': PROTOBUF }, protobufBody)).rejects.toThrow(/ECONNREFUSED/);
  });
});

it('start fails clearly when the port is taken', async () => {
  const first = await startReceiver();
  try {
    const endpoint = `127.0.0.1:${first.receiver.address()?.port}`;
    const second = otlpReceiverFactory.create(receiverSettings(), { ...otlpReceiverFactory.createDefaultConfig(), endpoint }, first.consumer);
    await expect(second.start()).rejects.toThrow(`cannot listen on ${endpoint}: the address is already in use (EADDRINUSE)`);
    await second.shutdown();
  } finally {
    await first.close();
  }
});

it('shutdown during start leaves nothing listening', async () => {
  const consumer = { consume: async () => undefined };
  const receiver = otlpReceiverFactory.create(receiverSettings(), { ...otlpReceiverFactory.createDefaultConfig(), endpoint: '127.0.0.1:0' }, consumer);
  const starting = receiver.start();
  await receiver.shutdown();
  await starting;
  expect(receiver.address()).toBeUndefined();
});
