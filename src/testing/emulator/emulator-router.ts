import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorBody } from './wechat-error-body.js';

/** What a route handler sees of a request. */
export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body of a POST (a form on `routeForm` routes); undefined when empty. */
  body: unknown;
  /** The raw body bytes (for non-JSON bodies; uploads use a streaming route instead). */
  rawBody: Buffer;
  /** The peer address, e.g. `127.0.0.1` or `::ffff:127.0.0.1`. */
  remoteAddress: string;
  headers: IncomingMessage['headers'];
}

/** What a streaming route sees: the request line and headers, and the body still unread. */
export interface EmulatorStreamRequest extends Omit<EmulatorRequest, 'body' | 'rawBody'> {
  stream: IncomingMessage;
}

/** An answer written as is; a Readable body is piped to the client (files, large downloads). */
export interface RawReply {
  raw: { status: number; headers?: Record<string, string>; body: string | Buffer | Readable };
}

/** What a route handler answers: a JSON body (HTTP 200) or a raw reply. */
export type EmulatorReply = object | RawReply;

export type RouteHandler = (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

export type StreamRouteHandler = (
  req: EmulatorStreamRequest,
) => EmulatorReply | Promise<EmulatorReply>;

/** A fault the emulator plays instead of (or before) the real answer. */
export interface EmulatorFault {
  /** Answer HTTP 200 with this errcode (and WeChat's errmsg for it). */
  errcode?: number;
  /** Answer this HTTP status with a plain-text body. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the connection without answering (a network error for the client). */
  drop?: boolean;
  /**
   * Send the answer (the real one, or the fault's errcode or status) drip-fed: its headers at
   * once, then its body one byte every `dripMs` (a file: one chunk every `dripMs`).
   */
  dripMs?: number;
  /** How many requests the fault applies to; default 1, `Infinity` for all. */
  times?: number;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const JSON_TYPE = 'application/json; encoding=utf-8';

function isRaw(reply: EmulatorReply): reply is RawReply {
  return typeof reply === 'object' && reply !== null && 'raw' in reply;
}

/** Dispatches requests by path, counts calls and plays injected faults. */
export class EmulatorRouter {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly formRoutes = new Set<string>();
  private readonly streamRoutes = new Map<string, StreamRouteHandler>();
  private readonly requestListeners: ((path: string) => void)[] = [];
  private readonly prefixRoutes: [string, RouteHandler][] = [];
  private readonly arrivals = new Map<string, number[]>();
  private readonly faults = new Map<string, { fault: EmulatorFault; remaining: number }[]>();

  route(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
  }

  /**
   * A route of the emulator's own HTML pages (the authorize page's buttons): its POST body is
   * read as a form. WeChat's API routes read JSON whatever the declared content type.
   */
  routeForm(path: string, handler: RouteHandler): void {
    this.routes.set(path, handler);
    this.formRoutes.add(path);
  }

  /**
   * A handler that reads the body itself (uploads): the router does not buffer it, so the
   * in-memory body cap of the other routes does not apply.
   */
  routeStream(path: string, handler: StreamRouteHandler): void {
    this.streamRoutes.set(path, handler);
  }

  /** Calls `listener` with the path of every request as it arrives (quota counters). */
  onRequest(listener: (path: string) => void): void {
    this.requestListeners.push(listener);
  }

  /** A handler for every path under `prefix` (e.g. avatar images). */
  routePrefix(prefix: string, handler: RouteHandler): void {
    this.prefixRoutes.push([prefix, handler]);
  }

  callCount(path: string): number {
    return this.arrivals.get(path)?.length ?? 0;
  }

  /** When each request to `path` arrived (epoch ms, real time), oldest first. */
  callTimes(path: string): number[] {
    return [...(this.arrivals.get(path) ?? [])];
  }

  resetCounts(): void {
    this.arrivals.clear();
  }

  injectFault(path: string, fault: EmulatorFault): void {
    const remaining = fault.times ?? 1;
    if (!(remaining > 0)) {
      throw new RangeError(`injectFault: times must be positive, got ${remaining}`);
    }
    const queue = this.faults.get(path) ?? [];
    queue.push({ fault, remaining });
    this.faults.set(path, queue);
  }

  clearFaults(path?: string): void {
    if (path === undefined) this.faults.clear();
    else this.faults.delete(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const arrivals = this.arrivals.get(path) ?? [];
    arrivals.push(Date.now());
    this.arrivals.set(path, arrivals);
    for (const listener of this.requestListeners) listener(path);
    const streamHandler = this.streamRoutes.get(path);
    // A streaming route reads its body itself, as it arrives.
    const rawBody = streamHandler ? Buffer.alloc(0) : await readBody(req);

    const fault = this.takeFault(path);
    // A client that gave up (or the emulator closing) ends the delay: no timer outlives it.
    if (fault?.delayMs && !(await delayWhileOpen(fault.delayMs, res))) return;
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    // A streaming route's body is still unread: drain it, so the client can finish sending.
    if ((fault?.status || fault?.errcode) && streamHandler) req.resume();
    const dripMs = fault?.dripMs;
    if (fault?.status)
      return send(res, fault.status, 'text/plain', `emulated HTTP ${fault.status}`, dripMs);
    if (fault?.errcode) return sendJson(res, errorBody(fault.errcode), dripMs);

    const line = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      remoteAddress: req.socket.remoteAddress ?? '',
      headers: req.headers,
    };
    if (streamHandler) {
      const reply = await streamHandler({ ...line, stream: req });
      if (!req.readableEnded) req.resume();
      return writeReply(res, reply, dripMs);
    }

    const handler =
      this.routes.get(path) ?? this.prefixRoutes.find(([prefix]) => path.startsWith(prefix))?.[1];
    // WeChat answers a path it does not serve with 40066 "invalid url" in its JSON shape
    // (global errcodes: "请检查API的URL是否与文档一致"), not with an HTTP 404.
    if (!handler) return sendJson(res, errorBody(40066));

    let body: unknown;
    if (rawBody.length > 0 && this.formRoutes.has(path)) {
      body = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
    } else if (rawBody.length > 0) {
      // WeChat reads a POST body as JSON whatever the declared Content-Type: PHP's curl and
      // axios with a string body send `application/x-www-form-urlencoded` and are served.
      // A body that is not JSON (a real form, say) is "data format error".
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return sendJson(res, errorBody(47001), dripMs);
      }
    }
    return writeReply(res, await handler({ ...line, body, rawBody }), dripMs);
  }

  private takeFault(path: string): EmulatorFault | undefined {
    const queue = this.faults.get(path);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('request body too large for the emulator');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function writeReply(res: ServerResponse, reply: EmulatorReply, dripMs?: number) {
  if (!isRaw(reply)) return sendJson(res, reply, dripMs);
  const { status, headers, body } = reply.raw;
  res.writeHead(status, headers);
  return writeBody(res, body, dripMs);
}

function sendJson(res: ServerResponse, body: object, dripMs?: number) {
  return send(res, 200, JSON_TYPE, JSON.stringify(body), dripMs);
}

function send(res: ServerResponse, status: number, type: string, body: string, dripMs?: number) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  return writeBody(res, body, dripMs);
}

async function writeBody(
  res: ServerResponse,
  body: string | Buffer | Readable,
  dripMs: number | undefined,
): Promise<void> {
  if (!(body instanceof Readable) && dripMs === undefined) {
    res.end(body);
    return;
  }
  const source = dripMs === undefined ? (body as Readable) : drip(body, dripMs, res);
  // A client that goes away mid-answer is not an emulator error.
  await pipeline(source, res).catch(() => res.destroy());
}

/** `body` a byte (a stream: a chunk) at a time, `dripMs` apart; stops when the client goes. */
function drip(body: string | Buffer | Readable, dripMs: number, res: ServerResponse): Readable {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const pieces = body instanceof Readable ? body : bytesOf(Buffer.from(body));
  return Readable.from(
    (async function* () {
      for await (const piece of pieces) {
        await sleep(dripMs, undefined, { signal: gone.signal });
        yield piece as Buffer;
      }
    })(),
    { objectMode: false },
  );
}

function* bytesOf(body: Buffer): Generator<Buffer> {
  for (let i = 0; i < body.length; i++) yield body.subarray(i, i + 1);
}

/** Waits `ms`; false as soon as the connection closes instead. */
function delayWhileOpen(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', closed);
      resolve(true);
    }, ms);
    function closed() {
      clearTimeout(timer);
      resolve(false);
    }
    res.once('close', closed);
  });
}

/** An HTML page, as the open.weixin.qq.com pages are. */
export function htmlReply(html: string, status = 200): RawReply {
  return { raw: { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html } };
}

/** A 302 to `location`. */
export function redirectReply(location: string): RawReply {
  return { raw: { status: 302, headers: { Location: location }, body: '' } };
}

/**
 * JSON text written by hand, for numbers JSON.stringify cannot write (64-bit message ids), with
 * the content type of WeChat's JSON answers.
 */
export function rawJsonReply(json: string): RawReply {
  return {
    raw: { status: 200, headers: { 'Content-Type': JSON_TYPE }, body: json },
  };
}

/** JSON with a declared type other than application/json (WeChat's sns endpoints do this). */
export function textJsonReply(body: object): RawReply {
  return {
    raw: { status: 200, headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body) },
  };
}
