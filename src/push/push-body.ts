import { type IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { PushRejection, type PushBody } from './push-envelope.js';

/** Where the early reader of the Express platform leaves a push's raw body on the request. */
export const PUSH_RAW_BODY = Symbol.for('nestjs-wechat:push-raw-body');

const TOO_LARGE = 'the body is larger than push.bodyLimitBytes';
const BODY_TIMEOUT_MS = 10_000;
const logger = new Logger('WeChat:push');
let warnedParsedBody = false;

/**
 * Whether a request is a push: a POST to `path` (under any global prefix), or with several
 * accounts to `path/<account>`, when `isAccount` takes that last segment.
 */
export function isPushPost(
  method: string | undefined,
  url: string | undefined,
  path: string,
  isAccount?: (segment: string) => boolean,
): boolean {
  if (method !== 'POST' || !url) return false;
  const query = url.indexOf('?');
  let pathname = query === -1 ? url : url.slice(0, query);
  if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  if (!isAccount) return pathname.toLowerCase().endsWith(path.toLowerCase());
  const slash = pathname.lastIndexOf('/');
  if (slash <= 0 || slash === pathname.length - 1) return false;
  const base = pathname.slice(0, slash).toLowerCase();
  return base.endsWith(path.toLowerCase()) && isAccount(safeDecode(pathname.slice(slash + 1)));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Reads a request's body, at most `limit` bytes: a declared larger length is refused before a
 * byte is read, a stream that grows past it is refused as soon as it does (413).
 */
export function readBody(
  stream: IncomingMessage,
  limit: number,
  timeoutMs = BODY_TIMEOUT_MS,
): Promise<Buffer> {
  const declared = Number(stream.headers['content-length']);
  if (declared > limit) return Promise.reject(new PushRejection(413, TOO_LARGE));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    // WeChat sends a few KB at once; a body that trickles in holds a socket for nothing.
    const timer = setTimeout(() => {
      cleanUp();
      stream.pause();
      reject(new PushRejection(408, 'the body took too long to arrive'));
    }, timeoutMs);
    const cleanUp = (): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > limit) {
        cleanUp();
        stream.pause();
        reject(new PushRejection(413, TOO_LARGE));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(Buffer.concat(chunks, length));
    };
    const onError = (error: Error): void => {
      cleanUp();
      reject(error);
    };
    const onAborted = (): void => onError(new PushRejection(400, 'the request was aborted'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
  });
}

/** What a request handler sees of a request on either platform. */
interface PushRequest {
  raw?: IncomingMessage;
  body?: unknown;
  rawBody?: unknown;
  [PUSH_RAW_BODY]?: Buffer;
}

/**
 * The body of a push, whatever the app did about body parsing: the early reader's bytes, Nest's
 * `rawBody`, a Buffer or string another parser left, the unread stream itself, and as a last
 * resort an object another JSON parser made (its 64-bit numbers may already have lost digits:
 * warned once). Throws `PushRejection` (413) past `limit`.
 */
export async function pushBodyOf(request: PushRequest, limit: number): Promise<PushBody> {
  const stream = request.raw ?? (request as unknown as IncomingMessage);
  const bytes = request[PUSH_RAW_BODY] ?? bufferOf(request.rawBody) ?? bufferOf(request.body);
  if (bytes) return textOf(bytes, limit);
  if (typeof request.body === 'string') return textOf(Buffer.from(request.body), limit);
  if (isUnread(stream)) return textOf(await readBody(stream, limit), limit);
  if (isPlainObject(request.body)) {
    if (!warnedParsedBody) {
      warnedParsedBody = true;
      logger.warn(
        'A JSON body parser of the app read a push before nestjs-wechat could; a MsgId above 2^53 may have lost digits. Let the push path reach nestjs-wechat unparsed, or use rawBody: true',
      );
    }
    return request.body;
  }
  return '';
}

function bufferOf(value: unknown): Buffer | undefined {
  return Buffer.isBuffer(value) ? value : undefined;
}

function textOf(bytes: Buffer, limit: number): string {
  if (bytes.length > limit) throw new PushRejection(413, TOO_LARGE);
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function isUnread(stream: IncomingMessage): boolean {
  return typeof stream.on === 'function' && stream.readable && !stream.complete;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
