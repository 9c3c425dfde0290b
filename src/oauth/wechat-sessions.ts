import { Injectable } from '@nestjs/common';
import { type WeChatAccount } from '../accounts/wechat-account.js';
import { WeChatAccounts } from '../accounts/wechat-accounts.js';
import { type AuthRequest } from './web-authenticator.js';

/**
 * The web-authorization sessions of the app's users. Sessions live in signed cookies, not on the
 * server: signing out clears the cookie of one browser; a copy of it taken earlier stays valid
 * until it expires (`oauth.cookie.maxAgeSeconds`), and replacing `oauth.sessionSecret` ends
 * every session at once.
 */
@Injectable()
export class WeChatSessions {
  constructor(private readonly accounts: WeChatAccounts) {}

  /**
   * Signs the browser of `request` out of `account` (default: the module's default account):
   * `response` (Express or Fastify, `@Res({ passthrough: true })`) clears its session cookie.
   */
  signOut(request: AuthRequest, response: unknown, account?: WeChatAccount): void {
    const chosen = account ?? this.accounts.default;
    if (!chosen) {
      throw new Error('WeChatSessions.signOut: WeChatModule has no default account; pass one');
    }
    chosen.authenticator.signOut(request, response);
  }
}
