import { Controller, Get, Module, Query } from '@nestjs/common';
import {
  WeChatAuth,
  type WeChatAuthUser,
  WeChatModule,
  type WeChatModuleOptions,
  WeChatUser,
} from '../../src/index.js';

@Controller()
class PagesController {
  @Get('me')
  @WeChatAuth()
  me(@WeChatUser() user: WeChatAuthUser) {
    return user;
  }

  @Get('profile')
  @WeChatAuth({ scope: 'snsapi_userinfo' })
  profile(@WeChatUser() user: WeChatAuthUser) {
    return user;
  }

  @Get('deep/page/sub')
  @WeChatAuth()
  deep(@WeChatUser('openid') openid: string, @Query() query: Record<string, string>) {
    return { openid, query };
  }

  @Get('public')
  bare() {
    return { ok: true };
  }
}

@Controller('vip')
@WeChatAuth({ scope: 'snsapi_userinfo' })
class VipController {
  @Get()
  vip(@WeChatUser('openid') openid: string) {
    return { openid };
  }
}

// Every other path lands here, so hostile request-targets reach the guard. In a module imported
// after WeChatModule, so that its routes (the OAuth callback) are registered first.
@Controller()
class CatchAllController {
  @Get('*')
  @WeChatAuth()
  any(@WeChatUser('openid') openid: string) {
    return { catchAll: true, openid };
  }
}

@Module({ controllers: [CatchAllController] })
class CatchAllModule {}

/** The fixture app of the web-authorization tests. */
@Module({})
export class OAuthTestAppModule {
  static register(options: WeChatModuleOptions) {
    return {
      module: OAuthTestAppModule,
      imports: [WeChatModule.forRoot({ ...options, isGlobal: true }), CatchAllModule],
      controllers: [PagesController, VipController],
    };
  }
}
