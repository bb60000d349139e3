// Reading a request body within a size limit, while it streams in and again after decompression, so
// neither a huge upload nor a gzip bomb can take more than `limit` bytes of memory.

import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** A body that cannot be accepted; `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

const DECOMPRESSORS: Readonly<Record<string, typeof gunzip>> = { gzip: gunzip, deflate: inflate };

/** The Content-Encoding header's coding, checked: `identity` (or none), `gzip` or `deflate`. */
export function contentCoding(header: string | undefined): string {
  const coding = (header ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return 'identity';
  if (DECOMPRESSORS[coding]) return coding;
  throw new BodyError(415, `Content-Encoding "${header}" is not supported (use gzip, deflate or none)`);
}

export function tooLarge(limit: number): BodyError {
  return new BodyError(413, `request body exceeds max_request_body_size (${limit} bytes)`);
}

/** Resolves with the raw body; rejects with a 413 BodyError as soon as more than `limit` bytes arrived. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // A client that gave up while its request waited for a slot: 'close' has already been emitted.
    if (req.destroyed) {
      reject(new Error('the client closed the connection before its request was read'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export async function decompress(body: Buffer, coding: string, limit: number): Promise<Buffer> {
  const decompressor = DECOMPRESSORS[coding];
  if (!decompressor) return body;
  try {
    return await decompressor(body, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new BodyError(400, `body is not valid ${coding} data: ${(err as Error).message}`);
  }
}
