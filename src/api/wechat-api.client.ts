import { type Readable } from 'node:stream';
import { TokenService } from '../token/token.service.js';
import { STALE_TOKEN_ERRCODES } from './errcodes.js';
import { createWeChatError, WeChatApiError, WeChatArgumentError } from './wechat-api.error.js';
import {
  type QueryValue,
  type WeChatDownload,
  AccountHttp,
  type WeChatRequest,
} from './wechat-http.js';

/**
 * Calls WeChat APIs with the account's access_token. A call that meets a stale token
 * (40001, 40014, 42001) expires that token if it is still current, and is retried once.
 */
export class WeChatApiClient {
  constructor(
    private readonly http: AccountHttp,
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

  /**
   * POST a streamed body (a multipart upload) to `path`; resolves to WeChat's JSON reply.
   * `makeBody` is called for each send: only a `repeatable` body is sent again after a stale token.
   */
  async upload<T>(
    path: string,
    query: Record<string, QueryValue>,
    makeBody: () => Readable,
    headers: Record<string, string>,
    repeatable: boolean,
  ): Promise<T> {
    const request: WeChatRequest = {
      method: 'POST',
      path: checkPath(path),
      query,
      headers,
      idempotent: false,
      sendOnce: true,
    };
    return this.withToken(request, repeatable, (r) =>
      this.http.request<T>({ ...r, body: makeBody() }),
    );
  }

  /** GET a file (`/cgi-bin/media/get`) as a stream, or WeChat's JSON answer when it sends one. */
  async download(
    path: string,
    query: Record<string, QueryValue>,
  ): Promise<WeChatDownload | { json: Record<string, unknown> }> {
    const request: WeChatRequest = {
      method: 'GET',
      path: checkPath(path),
      query,
      idempotent: true,
    };
    return this.withToken(request, true, (r) => this.http.download(r));
  }

  /**
   * Streams a file from an absolute URL WeChat gave (no token is sent there), if option
   * `download.urlAllowList` admits it; a refusal is a `WeChatArgumentError` on `source`.
   */
  downloadUrl(url: string, source = 'url'): Promise<WeChatDownload> {
    return this.http.downloadUrl(url, source);
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
      if (!repeatable) {
        const rid = error.rid ? ` rid: ${error.rid}` : '';
        throw createWeChatError(
          error.errcode,
          error.errmsg + rid,
          error.path,
          'the access_token was stale and has been renewed, but this body was a stream that ' +
            'cannot be sent twice: call again (pass a stream factory to have it retried)',
        );
      }
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
    throw new WeChatArgumentError(
      'path',
      `must be an absolute API path such as /cgi-bin/user/info, got ${JSON.stringify(path)}`,
    );
  }
  return path;
}
