// Response bodies in the request's encoding, as OTLP/HTTP requires: ExportMetricsServiceResponse on success
// (with partial_success when points were rejected) and google.rpc.Status on failure.

import type { Encoding } from './decode.js';
import { ExportMetricsServiceResponse, RpcStatus } from './proto.js';

export const CONTENT_TYPES: Readonly<Record<Encoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** google.rpc.Code values used with each HTTP status. */
export const RPC_CODES = {
  invalidArgument: 3,
  notFound: 5,
  resourceExhausted: 8,
  unimplemented: 12,
  unavailable: 14,
  unauthenticated: 16,
} as const;

export function exportResponse(encoding: Encoding, rejectedPoints: number, errorMessage: string): Buffer {
  const partial = rejectedPoints > 0 ? { rejectedDataPoints: rejectedPoints, errorMessage } : undefined;
  if (encoding === 'json') {
    // proto3 JSON writes int64 as a string.
    return Buffer.from(
      JSON.stringify(partial ? { partialSuccess: { ...partial, rejectedDataPoints: String(rejectedPoints) } } : {}),
    );
  }
  const msg = ExportMetricsServiceResponse.create(partial ? { partialSuccess: partial } : {});
  return Buffer.from(ExportMetricsServiceResponse.encode(msg).finish());
}

export function statusBody(encoding: Encoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RpcStatus.encode(RpcStatus.create({ code, message })).finish());
}
