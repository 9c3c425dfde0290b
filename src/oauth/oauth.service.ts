import { ERRCODE } from '../api/errcodes.js';
import { WeChatApiError, WeChatArgumentError } from '../api/wechat-api.error.js';
import { AccountHttp } from '../api/wechat-http.js';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import {
  isWebScope,
  type WebAccessToken,
  type WebScope,
  type WeChatUserInfo,
} from './oauth.types.js';

interface TokenReply {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  openid: string;
  scope: string;
  unionid?: string;
  is_snapshotuser?: number;
}

const STATE = /^[A-Za-z0-9]{0,128}$/;
// Answers of /sns/auth meaning "this token does not belong to this user (any more)".
const NOT_VERIFIED: ReadonlySet<number> = new Set([
  ERRCODE.INVALID_CREDENTIAL,
  ERRCODE.INVALID_OPENID,
  ERRCODE.INVALID_ACCESS_TOKEN,
  ERRCODE.ACCESS_TOKEN_EXPIRED,
]);

/** The raw web-authorization calls (网页授权); `@WeChatAuth()` builds on them. */
export class OAuthService {
  constructor(
    private readonly options: ResolvedWeChatOptions,
    private readonly http: AccountHttp,
  ) {}

  /** The authorize page URL to send a browser to (ends in `#wechat_redirect`). */
  authorizeUrl(params: { redirectUri: string; scope: WebScope; state?: string }): string {
    const { redirectUri, scope, state = '' } = params;
    if (!/^https?:\/\/[^/]/.test(redirectUri)) {
      throw new WeChatArgumentError(
        'redirectUri',
        `must be an absolute http(s) URL, got ${JSON.stringify(redirectUri)}`,
      );
    }
    if (!isWebScope(scope)) {
      throw new WeChatArgumentError(
        'scope',
        `must be 'snsapi_base' or 'snsapi_userinfo', got ${JSON.stringify(scope)}`,
      );
    }
    if (!STATE.test(state)) {
      throw new WeChatArgumentError('state', 'must be at most 128 characters of a-zA-Z0-9');
    }
    // WeChat checks the parameter order: appid, redirect_uri, response_type, scope, state.
    const query =
      `appid=${encodeURIComponent(this.options.appId)}` +
      `&redirect_uri=${encodeURIComponent(redirectUri)}` +
      `&response_type=code&scope=${scope}&state=${state}`;
    return `${this.options.openBaseUrl}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }

  /** Exchanges the code WeChat sent back for the user's web token and openid (once per code). */
  async exchangeCode(code: string): Promise<WebAccessToken> {
    checkOpaque('code', code);
    const reply = await this.http.request<TokenReply>({
      method: 'GET',
      path: '/sns/oauth2/access_token',
      query: {
        appid: this.options.appId,
        secret: this.options.appSecret,
        code,
        grant_type: 'authorization_code',
      },
      idempotent: false,
      // Single-use: once WeChat has seen it, even a -1 answer may have spent it.
      sendOnce: true,
    });
    return toWebToken(reply);
  }

  /** A new web token from a refresh token (valid 30 days). */
  async refreshToken(refreshToken: string): Promise<WebAccessToken> {
    checkOpaque('refreshToken', refreshToken);
    const reply = await this.http.request<TokenReply>({
      method: 'GET',
      path: '/sns/oauth2/refresh_token',
      query: {
        appid: this.options.appId,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      },
      idempotent: true,
    });
    return toWebToken(reply);
  }

  /** The user's profile; needs a snsapi_userinfo web token (else 48001). */
  async getUserInfo(
    accessToken: string,
    openid: string,
    lang: 'zh_CN' | 'zh_TW' | 'en' = 'zh_CN',
  ): Promise<WeChatUserInfo> {
    checkOpaque('accessToken', accessToken);
    checkOpaque('openid', openid);
    return this.http.request<WeChatUserInfo>({
      method: 'GET',
      path: '/sns/userinfo',
      query: { access_token: accessToken, openid, lang },
      idempotent: true,
    });
  }

  /** True when the web token is valid and belongs to `openid`. */
  async verify(accessToken: string, openid: string): Promise<boolean> {
    checkOpaque('accessToken', accessToken);
    checkOpaque('openid', openid);
    try {
      await this.http.request({
        method: 'GET',
        path: '/sns/auth',
        query: { access_token: accessToken, openid },
        idempotent: true,
      });
      return true;
    } catch (error) {
      if (error instanceof WeChatApiError && NOT_VERIFIED.has(error.errcode)) return false;
      throw error;
    }
  }
}

function toWebToken(reply: TokenReply): WebAccessToken {
  const scope = reply.scope?.split(',').includes('snsapi_userinfo')
    ? 'snsapi_userinfo'
    : 'snsapi_base';
  return {
    accessToken: reply.access_token,
    expiresIn: reply.expires_in,
    refreshToken: reply.refresh_token,
    openid: reply.openid,
    scope,
    unionid: reply.unionid,
    isSnapshotUser: reply.is_snapshotuser === 1,
  };
}

function checkOpaque(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new WeChatArgumentError(name, 'must be a non-empty string of at most 512 characters');
  }
}
