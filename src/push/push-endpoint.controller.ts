import { type ServerResponse } from 'node:http';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WeChatAccountNotFoundError } from '../accounts/wechat-account-not-found.error.js';
import { WeChatAccounts } from '../accounts/wechat-accounts.js';
import { WeChatAccountSourceError } from '../accounts/wechat-account-source.error.js';
import { WeChatArgumentError } from '../api/wechat-api.error.js';
import { pushBodyOf } from './push-body.js';
import { type PushAnswer, PushReceiver, rejectionAnswer } from './push-receiver.js';

/** Where the endpoint is: `path` itself (one account), or `path/:account` (several). */
export type PushRouteForm = 'single' | 'accounts';

const NO_SUCH_ACCOUNT: PushAnswer = {
  status: 404,
  contentType: 'text/plain; charset=utf-8',
  body: 'No WeChat account receives pushes here',
};

const SOURCE_UNAVAILABLE: PushAnswer = {
  status: 503,
  contentType: 'text/plain; charset=utf-8',
  body: 'The WeChat account cannot be looked up now',
};

function isAnswer(found: PushReceiver | PushAnswer): found is PushAnswer {
  return !(found instanceof PushReceiver);
}

/**
 * The push endpoint at `path` (one account) or `path/:account` (the account's appId or name, like
 * WeChat's `$APPID$` URL template): GET answers WeChat's URL verification, POST receives messages
 * and events. Each `WeChatModule` gets a class of its own, so modules with different paths keep
 * theirs.
 */
export function createPushEndpointController(path: string, form: PushRouteForm): Type<unknown> {
  const route = form === 'single' ? '' : ':account';

  @Controller(path)
  class PushEndpointController {
    constructor(
      private readonly accounts: WeChatAccounts,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    @Get(route)
    async verify(
      @Query() query: Record<string, unknown>,
      @Res() response: unknown,
      @Param('account') account?: string,
    ): Promise<void> {
      const receiver = await this.receiverOf(account);
      this.send(response, isAnswer(receiver) ? receiver : receiver.verify(query));
    }

    @Post(route)
    @HttpCode(200)
    async receive(
      @Req() request: object,
      @Res() response: unknown,
      @Query() query: Record<string, unknown>,
      @Param('account') account?: string,
    ): Promise<void> {
      const receiver = await this.receiverOf(account);
      if (isAnswer(receiver)) return this.send(response, receiver);
      let answer: PushAnswer;
      try {
        const body = await pushBodyOf(request, receiver.bodyLimitBytes);
        answer = await receiver.receive(query, body);
      } catch (error) {
        answer = rejectionAnswer(error);
      }
      this.send(response, answer);
    }

    // The account's receiver; an answer instead when the request names none we can serve.
    private async receiverOf(account: string | undefined): Promise<PushReceiver | PushAnswer> {
      try {
        const found =
          account === undefined ? this.accounts.default : await this.accounts.get(account);
        return found?.pushReceiver ?? NO_SUCH_ACCOUNT;
      } catch (error) {
        if (error instanceof WeChatAccountNotFoundError || error instanceof WeChatArgumentError) {
          return NO_SUCH_ACCOUNT;
        }
        // WeChat tries again later; by then the account directory may answer.
        if (error instanceof WeChatAccountSourceError && error.kind === 'unavailable') {
          return SOURCE_UNAVAILABLE;
        }
        throw error;
      }
    }

    private send(response: unknown, answer: PushAnswer): void {
      const adapter = this.adapterHost.httpAdapter;
      if (answer.release) {
        // No answer at all: WeChat sees the connection drop and tries again (section 5).
        rawResponseOf(response).destroy();
        return;
      }
      adapter.setHeader(response, 'Content-Type', answer.contentType);
      adapter.setHeader(response, 'Cache-Control', 'no-store');
      if (adapter.getType() !== 'express') {
        adapter.reply(response, answer.body, answer.status);
        return;
      }
      // Express's send() would hash the body for an ETag and check freshness: nothing WeChat
      // uses, on every push.
      adapter.status(response, answer.status);
      adapter.end(response, answer.body);
    }
  }
  return PushEndpointController;
}

// Express hands the Node response itself, Fastify a reply holding it as `raw`.
function rawResponseOf(response: unknown): ServerResponse {
  const raw = (response as { raw?: ServerResponse }).raw;
  return raw ?? (response as ServerResponse);
}
