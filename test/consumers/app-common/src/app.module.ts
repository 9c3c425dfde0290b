import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { WeChatModule } from 'nestjs-wechat';
import { WeChatHealthIndicator } from 'nestjs-wechat/health';
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
      // Routes are registered before the factory runs: the OAuth callback's path is given here.
      oauthCallbackPath: '/wechat/oauth/callback',
      isGlobal: true,
    }),
  ],
  controllers: [MeController],
  providers: [Heartbeat, OutboundAudit, WeChatHealthIndicator],
})
export class AppModule {}
