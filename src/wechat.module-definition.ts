import { ConfigurableModuleBuilder } from '@nestjs/common';
import { type WeChatModuleOptions } from './options/wechat-module-options.interface.js';

export const {
  ConfigurableModuleClass: WeChatConfigurableModule,
  MODULE_OPTIONS_TOKEN: WECHAT_MODULE_OPTIONS,
  OPTIONS_TYPE: WECHAT_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WECHAT_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WeChatModuleOptions>()
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createWeChatOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** What `WeChatModule.forRoot` takes: the options, and `isGlobal`. */
export type WeChatModuleRootOptions = typeof WECHAT_OPTIONS_TYPE;

/** What `WeChatModule.forRootAsync` takes: `useFactory`/`inject`, `useClass` or `useExisting`, and more. */
export type WeChatModuleAsyncOptions = typeof WECHAT_ASYNC_OPTIONS_TYPE & {
  /**
   * Where the OAuth callback is served, when the factory sets `oauth` (`/wechat/oauth/callback`).
   * Nest registers routes before the factory runs, so the path is given here.
   */
  oauthCallbackPath?: string;
  /**
   * Where the push endpoint is served, when the factory sets `push` (`/wechat/push`). Nest
   * registers routes before the factory runs, so the path is given here.
   */
  pushPath?: string;
  /**
   * The factory's options list several accounts (`accounts`, `accountSource`): the push endpoint
   * is then `pushPath/:account`. Nest registers routes before the factory runs, so it is given here.
   */
  severalAccounts?: boolean;
};

/** What a `useClass` / `useExisting` options factory of `forRootAsync` implements. */
export interface WeChatOptionsFactory {
  createWeChatOptions(): WeChatModuleOptions | Promise<WeChatModuleOptions>;
}
