import { Controller, Get, Query, Req, Res, type Type } from '@nestjs/common';
import { type AuthRequest, WeChatAuthenticator } from './web-authenticator.js';

/**
 * The controller WeChat sends the browser back to, with `code` and `state`, mounted at `path`.
 * Each `WeChatModule` gets a class of its own, so modules with different paths keep theirs.
 */
export function createOAuthCallbackController(path: string): Type<unknown> {
  @Controller(path)
  class OAuthCallbackController {
    constructor(private readonly authenticator: WeChatAuthenticator) {}

    @Get()
    async callback(
      @Req() request: AuthRequest,
      @Res() response: unknown,
      @Query() query: Record<string, unknown>,
    ): Promise<void> {
      await this.authenticator.completeCallback(request, response, query);
    }
  }
  return OAuthCallbackController;
}
