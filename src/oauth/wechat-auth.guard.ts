import {
  BadRequestException,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { type WeChatAccount } from '../accounts/wechat-account.js';
import { WeChatAccountNotFoundError } from '../accounts/wechat-account-not-found.error.js';
import { WeChatAccountSourceError } from '../accounts/wechat-account-source.error.js';
import { isAccountKey } from '../accounts/wechat-accounts.js';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { WeChatOptionsError } from '../options/wechat-options.error.js';
import { WECHAT_AUTH_METADATA, WECHAT_USER_PROPERTY } from './oauth.constants.js';
import { WeChatAuthRedirectException, WeChatAuthRequiredException } from './oauth.exceptions.js';
import { OAUTH_MESSAGES } from './oauth.messages.js';
import {
  scopeSatisfies,
  type WebScope,
  type WeChatAuthOptions,
  type WeChatAuthUser,
} from './oauth.types.js';
import { type AuthRequest, type WeChatAuthenticator } from './web-authenticator.js';
import { WeChatAccounts } from '../accounts/wechat-accounts.js';

/**
 * Lets a request through with a session of sufficient scope (and puts the user on it for
 * `@WeChatUser()`); otherwise sends it to WeChat's authorize page. Applied by `@WeChatAuth()`.
 * Extend it and override the protected steps to shape the answer (`@WeChatAuth({ guard })`).
 */
@Injectable()
export class WeChatAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accounts: WeChatAccounts,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    // Guards are built when routes are registered: a missing setup stops the app at start-up.
    if (!accounts.authorizesWeb) {
      throw new WeChatOptionsError('oauth', OAUTH_MESSAGES.notConfigured);
    }
  }

  // Synchronous for a request with a session to a known account: the common case costs no promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const account = this.accountOf(context);
    if (account instanceof Promise) {
      return account.then((found) => this.activateFor(context, found));
    }
    return this.activateFor(context, account);
  }

  private activateFor(
    context: ExecutionContext,
    account: WeChatAccount,
  ): boolean | Promise<boolean> {
    const authenticator = authenticatorOf(
      account,
      () => typeof this.authOptions(context)?.account === 'function',
    );
    (context.switchToHttp().getRequest<Record<symbol, unknown>>() as Record<symbol, unknown>)[
      WECHAT_AUTH_ACCOUNT
    ] = authenticator;
    const scope = this.requiredScope(context);
    const user = this.getUser(context);
    if (user && scopeSatisfies(user.scope, scope)) {
      context.switchToHttp().getRequest<Record<symbol, unknown>>()[WECHAT_USER_PROPERTY] = user;
      return true;
    }
    return this.onUnauthenticated(context, scope);
  }

  /**
   * The account the route signs users in to: its `@WeChatAuth({ account })` (a name or appId, or
   * a function of the request), else the module's default account.
   */
  protected accountOf(context: ExecutionContext): WeChatAccount | Promise<WeChatAccount> {
    const chosen = this.authOptions(context)?.account;
    if (chosen === undefined) {
      const fallback = this.accounts.default;
      if (!fallback) {
        throw new Error(
          '@WeChatAuth() without an account, and WeChatModule has no default account: name one (@WeChatAuth({ account }))',
        );
      }
      return fallback;
    }
    if (typeof chosen === 'string') return this.accounts.find(chosen) ?? this.accounts.get(chosen);
    // Chosen from the request, so the client's to get wrong: anything but an account is a 400.
    const key: unknown = chosen(context.switchToHttp().getRequest<never>());
    if (typeof key !== 'string' || !isAccountKey(key))
      throw new BadRequestException(NO_SUCH_ACCOUNT);
    return this.accounts.find(key) ?? this.accounts.get(key).catch(asHttpError);
  }

  /** The scope the route needs: its `@WeChatAuth({ scope })`, else `oauth.defaultScope`. */
  protected requiredScope(context: ExecutionContext): WebScope {
    return this.authOptions(context)?.scope ?? this.authenticator(context).defaultScope;
  }

  /** The user of the request's valid session cookie, or undefined. */
  protected getUser(context: ExecutionContext): WeChatAuthUser | undefined {
    return this.authenticator(context).userFrom(context.switchToHttp().getRequest<AuthRequest>());
  }

  private authOptions(context: ExecutionContext): WeChatAuthOptions | undefined {
    return this.reflector.getAllAndOverride<WeChatAuthOptions | undefined>(WECHAT_AUTH_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
  }

  // The account's authenticator, chosen for this request by canActivate.
  private authenticator(context: ExecutionContext): WeChatAuthenticator {
    return context.switchToHttp().getRequest<Record<symbol, WeChatAuthenticator>>()[
      WECHAT_AUTH_ACCOUNT
    ]!;
  }

  /**
   * A request without a session of `scope`: starts an authorization, then redirects a page load
   * and rejects anything else. Resolve to true to let the request through after all.
   */
  protected async onUnauthenticated(context: ExecutionContext, scope: WebScope): Promise<boolean> {
    const authorizeUrl = await this.startAuthorization(context, scope);
    if (this.isPageRequest(context)) this.throwAuthorizeRedirect(context, authorizeUrl);
    else this.throwUnauthorized(context, authorizeUrl);
    // Reached only when an override returns instead of throwing: Nest answers 403.
    return false;
  }

  /** A browser loading a page (GET or HEAD accepting text/html): it is redirected, not refused. */
  protected isPageRequest(context: ExecutionContext): boolean {
    const { method, headers } = context.switchToHttp().getRequest<AuthRequest>();
    const accept = headers.accept;
    return (
      (method === 'GET' || method === 'HEAD') &&
      typeof accept === 'string' &&
      accept.includes('text/html')
    );
  }

  /**
   * Remembers a new `state` bound to this browser (a cookie on the response) and returns WeChat's
   * authorize URL. The browser comes back to this page, or for an API call to the page that made it.
   */
  protected startAuthorization(context: ExecutionContext, scope: WebScope): Promise<string> {
    const http = context.switchToHttp();
    return this.authenticator(context).startAuthorization(http.getRequest(), http.getResponse(), {
      scope,
      returnTo: this.isPageRequest(context) ? 'request' : 'referer',
    });
  }

  /** Answers a page load: a 302 to `authorizeUrl` (any exception filter's reply keeps it). */
  protected throwAuthorizeRedirect(context: ExecutionContext, authorizeUrl: string): void {
    const response = context.switchToHttp().getResponse<unknown>();
    this.adapterHost.httpAdapter.setHeader(response, 'Location', authorizeUrl);
    throw new WeChatAuthRedirectException(authorizeUrl);
  }

  /** Answers any other request: a 401 whose JSON carries `authorizeUrl`. */
  protected throwUnauthorized(context: ExecutionContext, authorizeUrl: string): void {
    throw new WeChatAuthRequiredException(authorizeUrl);
  }
}

// Where the guard keeps the chosen account's authenticator on the request.
const WECHAT_AUTH_ACCOUNT = Symbol('nestjs-wechat:auth-account');

const NO_SUCH_ACCOUNT = 'No such WeChat account';

// An account the route names itself without oauth is the app's mistake; one the request chose,
// the client's (no account to sign in to).
function authenticatorOf(
  account: WeChatAccount,
  chosenByRequest: () => boolean,
): WeChatAuthenticator {
  if (account.options.oauth) return account.authenticator;
  if (chosenByRequest()) throw new BadRequestException(NO_SUCH_ACCOUNT);
  throw new Error(
    `@WeChatAuth(): the account ${JSON.stringify(account.name)} has no oauth options (give it oauth, or the module a default oauth)`,
  );
}

// What the lookup of a request's account ends in, as an answer to that request.
function asHttpError(error: unknown): never {
  if (error instanceof WeChatAccountNotFoundError) throw new BadRequestException(NO_SUCH_ACCOUNT);
  if (error instanceof WeChatAccountSourceError && error.kind === 'unavailable') {
    throw new ServiceUnavailableException('The WeChat account cannot be looked up now');
  }
  throw error;
}
