import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WeChatOptionsError } from '../options/wechat-options.error.js';
import { WECHAT_AUTH_METADATA, WECHAT_USER_PROPERTY } from './oauth.constants.js';
import { OAUTH_MESSAGES } from './oauth.messages.js';
import { scopeSatisfies, type WebScope, type WeChatAuthOptions } from './oauth.types.js';
import { type AuthRequest, WeChatAuthenticator } from './web-authenticator.js';

/**
 * Lets a request through with a session of sufficient scope (and puts the user on it for
 * `@WeChatUser()`); otherwise sends it to WeChat's authorize page. Applied by `@WeChatAuth()`.
 */
@Injectable()
export class WeChatAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: WeChatAuthenticator,
  ) {
    // Guards are built when routes are registered: a missing setup stops the app at start-up.
    if (!authenticator.enabled) throw new WeChatOptionsError('oauth', OAUTH_MESSAGES.notConfigured);
  }

  // Synchronous for a request with a session: the common case costs no promise.
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthRequest & Record<symbol, unknown>>();
    const scope = this.requiredScope(context);
    const user = this.authenticator.userFrom(request);
    if (user && scopeSatisfies(user.scope, scope)) {
      request[WECHAT_USER_PROPERTY] = user;
      return true;
    }
    return this.authenticator.challenge(request, http.getResponse(), scope);
  }

  protected requiredScope(context: ExecutionContext): WebScope {
    const options = this.reflector.getAllAndOverride<WeChatAuthOptions | undefined>(
      WECHAT_AUTH_METADATA,
      [context.getHandler(), context.getClass()],
    );
    return options?.scope ?? this.authenticator.defaultScope;
  }
}
