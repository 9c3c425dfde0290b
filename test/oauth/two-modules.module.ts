import { Controller, type DynamicModule, Get, Module } from '@nestjs/common';
import { WeChatAuth, WeChatModule, type WeChatModuleOptions, WeChatUser } from '../../src/index.js';

@Controller('shop')
class ShopController {
  @Get('me')
  @WeChatAuth()
  me(@WeChatUser('openid') openid: string) {
    return { shop: openid };
  }
}

@Controller('club')
class ClubController {
  @Get('me')
  @WeChatAuth()
  me(@WeChatUser('openid') openid: string) {
    return { club: openid };
  }
}

/**
 * An app with two WeChatModules, each with its own callback path and guarded routes: the shop's
 * through `forRoot`, the club's through `forRootAsync`.
 */
export function twoModulesApp(shop: WeChatModuleOptions, club: WeChatModuleOptions): DynamicModule {
  @Module({ imports: [WeChatModule.forRoot(shop)], controllers: [ShopController] })
  class ShopModule {}

  @Module({
    imports: [
      WeChatModule.forRootAsync({
        useFactory: async () => club,
        oauthCallbackPath: club.oauth?.callbackPath,
      }),
    ],
    controllers: [ClubController],
  })
  class ClubModule {}

  @Module({})
  class TwoModulesApp {}
  return { module: TwoModulesApp, imports: [ShopModule, ClubModule] };
}
