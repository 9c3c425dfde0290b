import { type Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { TokenService } from '../token/token.service.js';
import { STALE_TOKEN_ERRCODES } from './errcodes.js';
import { WeChatApiError } from './wechat-api.error.js';
import {
  type QueryValue,
  type WeChatDownload,
  WeChatHttp,
  type WeChatRequest,
} from './wechat-http.js';

/** A request body sent as a stream: a factory can be called again if the call must be repeated. */
export type StreamBody = Readable | (() => Readable);

/**
 * Calls WeChat APIs with the account's access_token. A call that meets a stale token
 * (40001, 40014, 42001) expires that token if it is still current, and is retried once.
 */
@Injectable()
export class WeChatApiClient {
  constructor(
    private readonly http: WeChatHttp,
    private readonly tokens: TokenService,
  ) {}

  /** GET `path` (e.g. `/cgi-bin/user/info`) with `query`; resolves to WeChat's JSON reply. */
  async get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    const request: WeChatRequest = {
      method: 'GET',
      path: checkPath(path),
      query,
      idempotent: true,
    };
    return this.withToken(request, true, (r) => this.http.request<T>(r));
  }

  /** POST `body` as JSON to `path`; resolves to WeChat's JSON reply. */
  async post<T>(path: string, body: unknown, query?: Record<string, QueryValue>): Promise<T> {
    const request: WeChatRequest = {
      method: 'POST',
      path: checkPath(path),
      query,
      body,
      idempotent: false,
    };
    return this.withToken(request, true, (r) => this.http.request<T>(r));
  }

  /** POST a streamed body (a multipart upload) to `path`; resolves to WeChat's JSON reply. */
  async upload<T>(
    path: string,
    query: Record<string, QueryValue>,
    body: StreamBody,
    headers: Record<string, string>,
  ): Promise<T> {
    const request: WeChatRequest = {
      method: 'POST',
      path: checkPath(path),
      query,
      headers,
      idempotent: false,
      sendOnce: true,
    };
    const repeatable = typeof body === 'function';
    return this.withToken(request, repeatable, (r) =>
      this.http.request<T>({ ...r, body: typeof body === 'function' ? body() : body }),
    );
  }

  /** GET a file (`/cgi-bin/media/get`) as a stream; an errcode answer rejects. */
  async download(path: string, query: Record<string, QueryValue>): Promise<WeChatDownload> {
    const request: WeChatRequest = {
      method: 'GET',
      path: checkPath(path),
      query,
      idempotent: true,
    };
    return this.withToken(request, true, (r) => this.http.download(r));
  }

  private async withToken<T>(
    request: WeChatRequest,
    repeatable: boolean,
    send: (request: WeChatRequest) => Promise<T>,
  ): Promise<T> {
    const token = await this.tokens.getAccessToken();
    try {
      return await send(withToken(request, token));
    } catch (error) {
      if (!(error instanceof WeChatApiError) || !STALE_TOKEN_ERRCODES.has(error.errcode))
        throw error;
      await this.tokens.invalidate(token);
      if (!repeatable) throw error;
      return send(withToken(request, await this.tokens.getAccessToken()));
    }
  }
}

function withToken(request: WeChatRequest, accessToken: string): WeChatRequest {
  return { ...request, query: { ...request.query, access_token: accessToken } };
}

// The token is appended to this path: it must stay on the configured WeChat host.
function checkPath(path: string): string {
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9_\-/.]*$/.test(path) || path.includes('..')) {
    throw new TypeError(
      `WeChatApiClient: path must be an absolute API path such as /cgi-bin/user/info, got ${JSON.stringify(path)}`,
    );
  }
  return path;
}
