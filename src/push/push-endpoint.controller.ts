import { type ServerResponse } from 'node:http';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  Res,
  type Type,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ResolvedWeChatOptions } from '../options/wechat-module-options.interface.js';
import { WECHAT_OPTIONS } from '../wechat.constants.js';
import { pushBodyOf } from './push-body.js';
import { type PushAnswer, PushReceiver, rejectionAnswer } from './push-receiver.js';

/**
 * The push endpoint at `path`: GET answers WeChat's URL verification, POST receives messages and
 * events. Each `WeChatModule` gets a class of its own, so modules with different paths keep theirs.
 */
export function createPushEndpointController(path: string): Type<unknown> {
  @Controller(path)
  class PushEndpointController {
    constructor(
      private readonly receiver: PushReceiver,
      private readonly adapterHost: HttpAdapterHost,
      @Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions,
    ) {}

    @Get()
    verify(@Query() query: Record<string, unknown>, @Res() response: unknown): void {
      this.send(response, this.receiver.verify(query));
    }

    @Post()
    @HttpCode(200)
    async receive(
      @Req() request: object,
      @Res() response: unknown,
      @Query() query: Record<string, unknown>,
    ): Promise<void> {
      const limit = this.options.push!.bodyLimitBytes;
      let answer: PushAnswer;
      try {
        answer = await this.receiver.receive(query, await pushBodyOf(request, limit));
      } catch (error) {
        answer = rejectionAnswer(error);
      }
      this.send(response, answer);
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
