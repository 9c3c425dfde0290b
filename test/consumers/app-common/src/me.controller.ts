import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WeChatAuth, WeChatUser, type WeChatAuthUser } from 'nestjs-wechat';
import { WeChatHealthIndicator } from 'nestjs-wechat/health';

@Controller()
export class MeController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly wechatHealth: WeChatHealthIndicator,
  ) {}

  @Get('me')
  @WeChatAuth()
  me(@WeChatUser() user: WeChatAuthUser): WeChatAuthUser {
    return user;
  }

  @Get('openid')
  @WeChatAuth()
  openid(@WeChatUser('openid') openid: string): { openid: string } {
    return { openid };
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.wechatHealth.isHealthy()]);
  }
}
