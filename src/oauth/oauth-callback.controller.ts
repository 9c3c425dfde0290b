import {
  BadRequestException,
  Controller,
  Get,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  type Type,
} from '@nestjs/common';
import { WeChatAccountSourceError } from '../accounts/wechat-account-source.error.js';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { WeChatAccounts } from '../accounts/wechat-accounts.js';
import { WeChatAccountNotFoundError } from '../accounts/wechat-account-not-found.error.js';
import { type WeChatAccount } from '../accounts/wechat-account.js';
import { OAUTH_MESSAGES } from './oauth.messages.js';
import { accountOfState, isState } from './pending-authorizations.js';
import { type AuthRequest } from './web-authenticator.js';

/**
 * The controller WeChat sends the browser back to, with `code` and `state`, mounted at `path`:
 * one route for every account of the module (the state names the account). Each `WeChatModule`
 * gets a class of its own, so modules with different paths keep theirs.
 */
export function createOAuthCallbackController(path: string): Type<unknown> {
  @Controller(path)
  class OAuthCallbackController {
    constructor(private readonly accounts: WeChatAccounts) {}

    @Get()
    async callback(
      @Req() request: AuthRequest,
      @Res() response: unknown,
      @Query() query: Record<string, unknown>,
    ): Promise<void> {
      const account = await this.accountOf(query.state);
      await account.authenticator.completeCallback(request, response, query);
    }

    // A state that names no account of ours was not issued here.
    private async accountOf(state: unknown): Promise<WeChatAccount> {
      if (typeof state !== 'string' || !isState(state)) {
        throw new BadRequestException(OAUTH_MESSAGES.malformedState);
      }
      const appId = accountOfState(state);
      if (appId === undefined) throw new BadRequestException(OAUTH_MESSAGES.unknownState);
      try {
        const account = await this.accounts.get(appId);
        if (account.options.oauth) return account;
      } catch (error) {
        if (error instanceof WeChatAccountSourceError && error.kind === 'unavailable') {
          throw new ServiceUnavailableException('The WeChat account cannot be looked up now');
        }
        const foreign =
          error instanceof WeChatAccountNotFoundError || error instanceof WeChatArgumentError;
        if (!foreign) throw error;
      }
      throw new BadRequestException(OAUTH_MESSAGES.unknownState);
    }
  }
  return OAuthCallbackController;
}
