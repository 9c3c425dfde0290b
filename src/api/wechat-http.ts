import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type AxiosError, type AxiosResponse } from 'axios';
import { firstValueFrom } from 'rxjs';
import { withRetry } from '../common/retry.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { createWeChatError, WeChatApiError, WeChatTransportError } from './wechat-api.error.js';

export type QueryValue = string | number | boolean | undefined;

/** One call to a WeChat API host. */
export interface WeChatRequest {
  method: 'GET' | 'POST';
  /** Absolute path on the API host, e.g. `/cgi-bin/token`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** May the call be repeated after a connection failure or HTTP 5xx? (`-1` is always retried.) */
  idempotent: boolean;
}

/**
 * The one place that speaks HTTP to WeChat: builds the URL on the configured hosts, falls over to
 * the disaster-recovery hosts when a host cannot be reached, parses the body whatever its content
 * type, turns errcodes into typed errors and retries what is safe to retry. Nothing it throws
 * carries the URL's query, where tokens and secrets travel.
 */
@Injectable()
export class WeChatHttp implements OnModuleDestroy {
  // Own keep-alive agents: connections are reused, and all of them close with the module.
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly http: HttpService,
    @Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions,
  ) {}

  request<T>(request: WeChatRequest): Promise<T> {
    return withRetry(
      this.options.retry,
      (error) => isRetryable(error, request.idempotent),
      () => this.overHosts<T>(request),
    );
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async overHosts<T>(request: WeChatRequest): Promise<T> {
    let lastFailure: WeChatTransportError | undefined;
    for (const baseUrl of this.options.apiBaseUrls) {
      try {
        return parseReply<T>(request.path, await this.send(baseUrl, request));
      } catch (error) {
        // Only a call that got no answer moves on: an answered one may already have taken effect.
        if (!(error instanceof WeChatTransportError) || !error.isConnectionFailure) throw error;
        lastFailure = error;
      }
    }
    throw lastFailure!;
  }

  private async send(baseUrl: string, request: WeChatRequest): Promise<AxiosResponse<string>> {
    try {
      return await firstValueFrom(
        this.http.request<string>({
          method: request.method,
          url: baseUrl + request.path,
          params: request.query,
          data: request.body,
          timeout: this.options.httpTimeoutMs,
          responseType: 'text',
          transformResponse: [(data: string) => data],
          validateStatus: () => true,
          httpAgent: this.httpAgent,
          httpsAgent: this.httpsAgent,
        }),
      );
    } catch (error) {
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

function parseReply<T>(path: string, response: AxiosResponse<string>): T {
  if (response.status !== 200) {
    throw new WeChatTransportError(path, `HTTP ${response.status}`, response.status);
  }
  let body: unknown;
  try {
    body = JSON.parse(response.data);
  } catch {
    throw new WeChatTransportError(path, 'the answer is not JSON', response.status);
  }
  if (typeof body !== 'object' || body === null) {
    throw new WeChatTransportError(path, 'the answer is not a JSON object', response.status);
  }
  const { errcode, errmsg } = body as { errcode?: unknown; errmsg?: unknown };
  if (typeof errcode === 'number' && errcode !== 0) {
    throw createWeChatError(errcode, typeof errmsg === 'string' ? errmsg : '', path);
  }
  return body as T;
}

function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof WeChatApiError) return error.errcode === -1;
  if (error instanceof WeChatTransportError) {
    return idempotent && (error.isConnectionFailure || (error.status ?? 0) >= 500);
  }
  return false;
}
