import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { type AuthRequest, WeChatAuthenticator } from './web-authenticator.js';

/** WeChat sends the browser back here (`oauth.callbackPath`) with `code` and `state`. */
@Controller()
export class OAuthCallbackController {
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

/** Mounts the callback at the configured path, before the routes are registered. */
export function mountOAuthCallback(path: string): void {
  Reflect.defineMetadata(PATH_METADATA, path, OAuthCallbackController);
}
