import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type AxiosError, type AxiosResponse, type ResponseType } from 'axios';
import { createIsolatedAxios } from '../http/isolated-axios.js';
import { withRetry } from '../common/retry.js';
import { settlesWithin } from '../common/settles-within.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { HostSelector } from './host-selector.js';
import { ERRCODE } from './errcodes.js';
import { isJsonContentType, parseJsonReply } from './reply-parser.js';
import { WeChatApiError, WeChatTransportError } from './wechat-api.error.js';

/** A query-string value; `undefined` leaves the parameter out. */
export type QueryValue = string | number | boolean | undefined;

/** One call to a WeChat API host. */
export interface WeChatRequest {
  method: 'GET' | 'POST';
  /** Absolute path on the API host, e.g. `/cgi-bin/token`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON-serialisable, or a stream (a multipart upload). */
  body?: unknown;
  headers?: Record<string, string>;
  /** May the call be repeated after a connection failure or HTTP 5xx? (`-1` is always retried.) */
  idempotent: boolean;
  /** A body that can be sent only once (a stream): no retry, no second host. */
  sendOnce?: boolean;
}

/** A file WeChat sent back (media download), as a stream. */
export interface WeChatDownload {
  stream: Readable;
  contentType: string;
  filename?: string;
  contentLength?: number;
}

const MAX_JSON_ERROR_BYTES = 64 * 1024;

/**
 * The one place that speaks HTTP to WeChat: builds the URL on the configured hosts, falls over to
 * the disaster-recovery hosts when a host cannot be reached, parses the body whatever its content
 * type, turns errcodes into typed errors and retries what is safe to retry. Nothing it throws
 * carries the URL's query, where tokens and secrets travel.
 */
@Injectable()
export class WeChatHttp implements OnModuleDestroy, OnApplicationShutdown {
  // Own keep-alive agents: connections are reused, and all of them close with the module.
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  // Never the process-wide axios: the app's interceptors and defaults must not see secrets.
  private readonly axios = createIsolatedAxios();
  private readonly hosts: HostSelector;
  // Shutdown: calls in flight get `shutdownGraceMs` to finish, then are cut and not retried.
  private readonly shutdown = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private shutdownStartedAt?: number;

  constructor(@Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions) {
    this.hosts = new HostSelector(options.apiBaseUrls, options.clock);
  }

  /** Sends the request and resolves to WeChat's JSON answer. */
  request<T>(request: WeChatRequest): Promise<T> {
    return this.withRetries(request, async () => {
      const response = await this.overHosts<string>(request, 'text');
      return parseJsonReply<T>(request.path, response.status, response.data);
    });
  }

  /**
   * Sends the request and resolves to the file WeChat streams back, or to its JSON answer when
   * it answers JSON without an errcode (a video's `video_url`).
   */
  download(request: WeChatRequest): Promise<WeChatDownload | { json: Record<string, unknown> }> {
    return this.withRetries(request, async () => {
      const response = await this.overHosts<Readable>(request, 'stream');
      if (
        response.status !== 200 ||
        isJsonContentType(response.headers['content-type'] as string | undefined)
      ) {
        const text = await readSmall(response.data);
        return {
          json: parseJsonReply<Record<string, unknown>>(request.path, response.status, text),
        };
      }
      return asDownload(response);
    });
  }

  /** Streams a file from an absolute URL WeChat gave (a video's CDN address), without a token. */
  async downloadUrl(url: string): Promise<WeChatDownload> {
    const path = new URL(url).pathname;
    const response = await this.get<Readable>(url, path);
    if (response.status !== 200) {
      response.data.destroy();
      throw new WeChatTransportError(path, `HTTP ${response.status}`, response.status);
    }
    return asDownload(response);
  }

  onModuleDestroy(): void {
    this.shutdownStartedAt ??= Date.now();
  }

  // Cut only here, after the credentials' onModuleDestroy has drained their fetches (Nest 11
  // runs one module's onModuleDestroy hooks all at once): the grace counts from shutdown's start.
  async onApplicationShutdown(): Promise<void> {
    const graceLeft =
      (this.shutdownStartedAt ?? Date.now()) + this.options.shutdownGraceMs - Date.now();
    if (this.inflight.size > 0 && graceLeft > 0) {
      await settlesWithin(Promise.allSettled([...this.inflight]), graceLeft);
    }
    this.shutdown.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private withRetries<T>(request: WeChatRequest, attempt: () => Promise<T>): Promise<T> {
    if (this.shutdown.signal.aborted) return Promise.reject(shutDown(request.path));
    const policy = request.sendOnce ? { ...this.options.retry, attempts: 1 } : this.options.retry;
    const work = withRetry(
      policy,
      (error) => isRetryable(error, request.idempotent),
      attempt,
      this.shutdown.signal,
    );
    this.inflight.add(work);
    const settled = () => void this.inflight.delete(work);
    work.then(settled, settled);
    return work;
  }

  private async overHosts<D>(
    request: WeChatRequest,
    responseType: ResponseType,
  ): Promise<AxiosResponse<D>> {
    const hosts = request.sendOnce ? this.hosts.order().slice(0, 1) : this.hosts.order();
    let lastFailure: WeChatTransportError | undefined;
    for (const baseUrl of hosts) {
      try {
        const response = await this.send<D>(baseUrl, request, responseType);
        this.hosts.markUp(baseUrl);
        return response;
      } catch (error) {
        // Only a call that got no answer moves on: an answered one may already have taken effect.
        const moveOn =
          error instanceof WeChatTransportError &&
          error.isConnectionFailure &&
          !this.shutdown.signal.aborted;
        if (!moveOn) throw error;
        this.hosts.markDown(baseUrl);
        lastFailure = error;
      }
    }
    throw lastFailure!;
  }

  private async get<D>(url: string, path: string): Promise<AxiosResponse<D>> {
    try {
      return await this.axios.request<D>({
        url,
        timeout: this.options.httpTimeoutMs,
        responseType: 'stream',
        validateStatus: () => true,
        maxRedirects: 0,
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        signal: this.shutdown.signal,
      });
    } catch (error) {
      const code = (error as AxiosError).code ?? 'ERR_NETWORK';
      throw new WeChatTransportError(
        path,
        `no answer from ${new URL(url).host} (${code})`,
        undefined,
        code,
      );
    }
  }

  private async send<D>(
    baseUrl: string,
    request: WeChatRequest,
    responseType: ResponseType,
  ): Promise<AxiosResponse<D>> {
    const encoded = encodeBody(request);
    try {
      return await this.axios.request<D>({
        method: request.method,
        url: baseUrl + request.path,
        params: request.query,
        data: encoded.data,
        headers: encoded.headers,
        timeout: this.options.httpTimeoutMs,
        responseType,
        validateStatus: () => true,
        // WeChat does not redirect; without redirects axios streams bodies instead of buffering.
        maxRedirects: 0,
        maxBodyLength: Infinity,
        maxContentLength: Infinity,
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        signal: this.shutdown.signal,
      });
    } catch (error) {
      // axios leaves a failed request's body stream open.
      if (request.body instanceof Readable) request.body.destroy();
      if (this.shutdown.signal.aborted) throw shutDown(request.path);
      const code = (error as AxiosError).code ?? 'ERR_NETWORK';
      throw new WeChatTransportError(
        request.path,
        `no answer from ${new URL(baseUrl).host} (${code})`,
        undefined,
        code,
      );
    }
  }
}

/** JSON for plain values; streams, buffers and strings go as they are. */
function encodeBody(request: WeChatRequest): { data: unknown; headers?: Record<string, string> } {
  const { body, headers } = request;
  if (
    body === undefined ||
    typeof body === 'string' ||
    body instanceof Readable ||
    Buffer.isBuffer(body)
  ) {
    return { data: body, headers };
  }
  return {
    data: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  };
}

function shutDown(path: string): WeChatTransportError {
  return new WeChatTransportError(
    path,
    'the WeChat module has shut down',
    undefined,
    'ERR_SHUT_DOWN',
  );
}

function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof WeChatApiError) return error.errcode === ERRCODE.SYSTEM_BUSY;
  if (error instanceof WeChatTransportError) {
    return idempotent && (error.isConnectionFailure || (error.status ?? 0) >= 500);
  }
  return false;
}

async function readSmall(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_ERROR_BYTES) {
      stream.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function asDownload(response: AxiosResponse<Readable>): WeChatDownload {
  const length = Number(response.headers['content-length']);
  return {
    stream: response.data,
    contentType: String(response.headers['content-type'] ?? ''),
    filename: filenameOf(String(response.headers['content-disposition'] ?? '')),
    contentLength: Number.isFinite(length) ? length : undefined,
  };
}

function filenameOf(disposition: string): string | undefined {
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}
