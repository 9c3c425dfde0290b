import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { WeChatModule } from 'nestjs-wechat';
import { WeChatHealthIndicator } from 'nestjs-wechat/health';
import { ChatHandlers } from './chat.handlers.js';
import { Heartbeat } from './heartbeat.service.js';
import { MeController } from './me.controller.js';
import { OutboundAudit } from './outbound-audit.service.js';
import { wechatOptions } from './wechat.config.js';

@Module({
  imports: [
    ScheduleModule.forRoot(),
    HttpModule,
    TerminusModule,
    WeChatModule.forRootAsync({
      useFactory: wechatOptions,
      // Routes are registered before the factory runs: the callback's and the push endpoint's
      // paths are given here.
      oauthCallbackPath: '/wechat/oauth/callback',
      pushPath: '/wechat/push',
      isGlobal: true,
    }),
  ],
  controllers: [MeController],
  providers: [Heartbeat, OutboundAudit, WeChatHealthIndicator, ChatHandlers],
})
export class AppModule {}
