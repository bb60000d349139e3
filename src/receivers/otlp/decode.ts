// Request bodies → a decoded ExportMetricsServiceRequest, for either OTLP/HTTP encoding.

import { MalformedError, type Message } from './fields.js';
import { ExportMetricsServiceRequest } from './proto.js';

export type Encoding = 'protobuf' | 'json';

/** The encoding of a Content-Type header (parameters such as charset ignored), or undefined when unsupported. */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

export function decodeRequest(body: Buffer, encoding: Encoding): Message {
  return encoding === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
}

function decodeProtobuf(body: Buffer): Message {
  try {
    return ExportMetricsServiceRequest.decode(body) as unknown as Message;
  } catch (err) {
    throw new MalformedError('body', `is not a valid protobuf ExportMetricsServiceRequest: ${(err as Error).message}`);
  }
}

function decodeJson(body: Buffer): Message {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MalformedError('body', `is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedError('body', 'must be a JSON object (ExportMetricsServiceRequest)');
  }
  return parsed as Message;
}
