import {
  BadGatewayException,
  BadRequestException,
  ForbiddenException,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parseCookie } from 'cookie';
import { ERRCODE } from '../api/errcodes.js';
import { WeChatApiError } from '../api/wechat-api.error.js';
import {
  type ResolvedOAuthOptions,
  type ResolvedWeChatOptions,
} from '../options/wechat-module-options.interface.js';
import { OAUTH_MESSAGES } from './oauth.messages.js';
import { OAuthService } from './oauth.service.js';
import { type WebScope, type WeChatAuthUser } from './oauth.types.js';
import { OAuthStateKeeper } from './oauth-state.keeper.js';
import { safeReturnPath } from './return-path.js';
import { PendingAuthorizations, stateSuffixOf } from './pending-authorizations.js';
import { SessionCodec } from './session-codec.js';
import { setCookie } from './set-cookie.js';

/** The parts of an Express or Fastify request used here. */
export interface AuthRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  protocol?: string;
}

const STATE = /^[A-Za-z0-9]{1,128}$/;
// Node refuses headers past --max-http-header-size (16 KB by default): anything it lets through
// is read, so a browser with many cookies can still sign in.
const MAX_COOKIE_HEADER = 65_536;
const CODE = /^[A-Za-z0-9_-]{1,512}$/;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
// Errcodes of the code exchange that mean "this code is no good": the user starts again.
const BAD_CODE: ReadonlySet<number> = new Set([
  ERRCODE.INVALID_CODE,
  ERRCODE.CODE_BEEN_USED,
  ERRCODE.CODE_MISSING,
  ERRCODE.CODE_EXPIRED,
]);

/**
 * Web authorization of one account for `@WeChatAuth()` routes and the OAuth callback: reads the
 * session, starts an authorization (state bound to the browser, naming the account), and
 * completes it.
 */
export class WeChatAuthenticator {
  private readonly logger = new Logger('WeChat:oauth');
  private readonly config?: ResolvedOAuthOptions;
  private readonly sessions?: SessionCodec;
  private readonly pending?: PendingAuthorizations;
  private readonly stateSuffix: string;

  constructor(
    options: ResolvedWeChatOptions,
    private readonly oauth: OAuthService,
    private readonly states: OAuthStateKeeper,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.config = options.oauth;
    this.stateSuffix = stateSuffixOf(options.appId) ?? '';
    const secrets = options.oauth?.sessionSecrets;
    this.sessions = secrets && new SessionCodec(secrets, options.clock, options.appId);
    this.pending = secrets && new PendingAuthorizations(secrets, options.clock);
  }

  get enabled(): boolean {
    return this.config !== undefined;
  }

  get defaultScope(): WebScope {
    return this.config?.defaultScope ?? 'snsapi_base';
  }

  /** The user of a valid session cookie, or undefined. */
  userFrom(request: AuthRequest): WeChatAuthUser | undefined {
    const config = this.requireConfig();
    return this.sessions!.decode(
      this.cookies(request)[this.cookieName(request, config.cookie.name)],
    );
  }

  /** Signs this browser out: its session cookie is cleared (other browsers keep theirs). */
  signOut(request: AuthRequest, response: unknown): void {
    const config = this.requireConfig();
    this.setCookie(request, response, config.cookie.name, '', {
      sameSite: config.cookie.sameSite,
      maxAge: 0,
    });
  }

  /**
   * Starts an authorization with `scope`: remembers a new `state` bound to this browser (by a
   * cookie set on `response`) and returns WeChat's authorize URL. After signing in, the browser
   * comes back to this request's own URL (`returnTo: 'request'`, a page load) or to the page that
   * made it (`'referer'`, an API call), when that is a page of this origin.
   */
  async startAuthorization(
    request: AuthRequest,
    response: unknown,
    { scope, returnTo }: { scope: WebScope; returnTo: 'request' | 'referer' },
  ): Promise<string> {
    const config = this.requireConfig();
    const returnPath =
      returnTo === 'request'
        ? (safeReturnPath(this.adapterHost.httpAdapter.getRequestUrl(request)) ?? '/')
        : this.refererPath(request);
    const live = this.pendingOf(request).filter((entry) => this.pending!.isLive(entry));
    const { state, entries } = this.pending!.start(
      live,
      { returnTo: returnPath, scope, ttlMs: config.stateTtlSeconds * 1000 },
      this.stateSuffix,
    );
    const authorizeUrl = this.oauth.authorizeUrl({
      redirectUri: this.origin(request) + config.callbackPath,
      scope,
      state,
    });
    this.setCookie(request, response, this.pendingCookie, this.pending!.write(entries) ?? '', {
      sameSite: 'lax',
      maxAge: config.stateTtlSeconds,
    });
    return authorizeUrl;
  }

  /** The OAuth callback: checks state and code, signs the user in, sends them back. */
  async completeCallback(
    request: AuthRequest,
    response: unknown,
    query: Record<string, unknown>,
  ): Promise<void> {
    const config = this.requireConfig();
    const { state, code } = query;
    if (typeof state !== 'string' || !STATE.test(state)) {
      throw new BadRequestException(OAUTH_MESSAGES.malformedState);
    }
    const started = this.pendingOf(request);
    if (started.length === 0) throw new BadRequestException(OAUTH_MESSAGES.noBrowserBinding);
    const pending = started.find((entry) => entry.state === state);
    if (!pending || !this.pending!.isLive(pending)) {
      throw new BadRequestException(OAUTH_MESSAGES.unknownState);
    }
    const declined = code === undefined || code === '';
    if (!declined && (typeof code !== 'string' || !CODE.test(code))) {
      throw new BadRequestException(OAUTH_MESSAGES.malformedCode);
    }
    // Spent only now that every check has passed: nobody else can spend this browser's state.
    // (It stays in the cookie until it expires or newer sign-ins push it out; spent, it is dead.)
    if (!(await this.states.spend(state, pending.expiresAt))) {
      throw new BadRequestException(OAUTH_MESSAGES.unknownState);
    }
    if (declined) throw new ForbiddenException(OAUTH_MESSAGES.declined);

    const user = await this.signIn(code as string, pending.scope);
    const { name, sameSite, maxAgeSeconds } = config.cookie;
    const session = this.sessions!.encode(user, maxAgeSeconds);
    if (!session) {
      this.logger.warn('Web authorization failed: the session does not fit in a cookie');
      throw new BadGatewayException(OAUTH_MESSAGES.upstream);
    }
    this.setCookie(request, response, name, session, { sameSite, maxAge: maxAgeSeconds });
    this.adapterHost.httpAdapter.redirect(response, 302, safeReturnPath(pending.returnTo) ?? '/');
  }

  private async signIn(code: string, scope: WebScope): Promise<WeChatAuthUser> {
    try {
      const token = await this.oauth.exchangeCode(code);
      if (token.isSnapshotUser) throw new ForbiddenException(OAUTH_MESSAGES.snapshotUser);
      const user: WeChatAuthUser = {
        openid: token.openid,
        unionid: token.unionid,
        scope: token.scope,
      };
      if (scope === 'snsapi_userinfo' && token.scope === 'snsapi_userinfo') {
        const info = await this.oauth.getUserInfo(token.accessToken, token.openid);
        const { nickname, sex, province, city, country, headimgurl } = info;
        user.userInfo = { nickname, sex, province, city, country, headimgurl };
        user.unionid ??= info.unionid;
      }
      return user;
    } catch (error) {
      if (error instanceof ForbiddenException) throw error;
      if (error instanceof WeChatApiError && BAD_CODE.has(error.errcode)) {
        throw new BadRequestException(OAUTH_MESSAGES.badCode);
      }
      this.logger.warn(`Web authorization failed upstream: ${(error as Error).message}`);
      throw new BadGatewayException(OAUTH_MESSAGES.upstream);
    }
  }

  private requireConfig(): ResolvedOAuthOptions {
    if (!this.config) throw new Error(OAUTH_MESSAGES.notConfigured);
    return this.config;
  }

  private get pendingCookie(): string {
    return `${this.requireConfig().cookie.name}_oauth`;
  }

  private pendingOf(request: AuthRequest) {
    return this.pending!.read(this.cookies(request)[this.cookieName(request, this.pendingCookie)]);
  }

  /**
   * Over https (path `/`, no Domain) a cookie is named `__Host-<name>`: the browser then takes it
   * only from this very host over https, so a sibling subdomain cannot plant one (login CSRF).
   */
  private cookieName(request: AuthRequest, name: string): string {
    return this.secure(request) ? `__Host-${name}` : name;
  }

  private setCookie(
    request: AuthRequest,
    response: unknown,
    name: string,
    value: string,
    { sameSite, maxAge }: { sameSite: 'lax' | 'strict' | 'none'; maxAge: number },
  ): void {
    const secure = this.secure(request);
    setCookie(this.adapterHost.httpAdapter, response, this.cookieName(request, name), value, {
      httpOnly: true,
      sameSite,
      secure,
      path: '/',
      maxAge,
    });
  }

  private cookies(request: AuthRequest): Record<string, string | undefined> {
    const header = request.headers.cookie;
    if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return {};
    try {
      return parseCookie(header);
    } catch {
      return {};
    }
  }

  private origin(request: AuthRequest): string {
    if (this.config?.publicUrl) return this.config.publicUrl;
    const host = request.headers.host;
    if (typeof host !== 'string' || !HOST.test(host))
      throw new BadRequestException(OAUTH_MESSAGES.badHost);
    return `${request.protocol === 'https' ? 'https' : 'http'}://${host}`;
  }

  private secure(request: AuthRequest): boolean {
    const configured = this.config?.cookie.secure;
    if (configured !== undefined) return configured;
    return this.config?.publicUrl?.startsWith('https:') ?? request.protocol === 'https';
  }

  // After an API call's 401, the user returns to the page that made it, if it is ours.
  private refererPath(request: AuthRequest): string {
    const referer = request.headers.referer;
    if (typeof referer !== 'string') return '/';
    try {
      const url = new URL(referer);
      if (`${url.protocol}//${url.host}` !== this.origin(request)) return '/';
      return safeReturnPath(url.pathname + url.search) ?? '/';
    } catch {
      return '/';
    }
  }
}
