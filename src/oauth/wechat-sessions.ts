import { Injectable } from '@nestjs/common';
import { type AuthRequest, WeChatAuthenticator } from './web-authenticator.js';

/**
 * The web-authorization sessions of the app's users. Sessions live in signed cookies, not on the
 * server: signing out clears the cookie of one browser; a copy of it taken earlier stays valid
 * until it expires (`oauth.cookie.maxAgeSeconds`), and replacing `oauth.sessionSecret` ends
 * every session at once.
 */
@Injectable()
export class WeChatSessions {
  constructor(private readonly authenticator: WeChatAuthenticator) {}

  /**
   * Signs the browser of `request` out: `response` (Express or Fastify, `@Res({ passthrough:
   * true })`) clears its session cookie.
   */
  signOut(request: AuthRequest, response: unknown): void {
    this.authenticator.signOut(request, response);
  }
}
