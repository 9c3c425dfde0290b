import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { injectedAccountProviders } from './accounts/inject-wechat-account.js';
import { missingDefaultAccount } from './accounts/missing-account.js';
import { type WeChatAccount } from './accounts/wechat-account.js';
import { WeChatAccounts } from './accounts/wechat-accounts.js';
import { AccountClient } from './api/clients/account.client.js';
import { MediaClient } from './api/clients/media.client.js';
import { MenuClient } from './api/clients/menu.client.js';
import { MessageClient } from './api/clients/message.client.js';
import { QrCodeClient } from './api/clients/qrcode.client.js';
import { UserClient } from './api/clients/user.client.js';
import { WeChatApiClient } from './api/wechat-api.client.js';
import { WeChatHttp } from './api/wechat-http.js';
import { JsSdkService } from './jssdk/js-sdk.service.js';
import { resolveModuleOptions } from './options/resolve-options.js';
import {
  type ResolvedModuleOptions,
  type WeChatModuleOptions,
} from './options/wechat-module-options.interface.js';
import { CREDENTIAL_STORE, type CredentialStore } from './store/credential-store.interface.js';
import { credentialStoreProvider } from './store/credential-store.provider.js';
import { RefreshScheduler } from './token/refresh-scheduler.js';
import { TokenService } from './token/token.service.js';
import { OAUTH_CALLBACK_ROUTE } from './oauth/oauth-callback.mount.js';
import { OAUTH_CALLBACK_MOUNT } from './oauth/oauth.constants.js';
import {
  agreeWithMountedRoute,
  formOf,
  type MountedRoute,
  mountPathOf,
  withMountedRoute,
} from './options/route-mount.js';
import { OAuthService } from './oauth/oauth.service.js';
import { WeChatSessions } from './oauth/wechat-sessions.js';
import { PushBodyCapture } from './push/push-body.capture.js';
import { PUSH_ENDPOINT_MOUNT, PUSH_ENDPOINT_ROUTE } from './push/push-endpoint.mount.js';
import { PushHandlerExplorer } from './push/push-handler.explorer.js';
import {
  WECHAT_MODULE_RESOLVED,
  WECHAT_OPTIONS,
  WECHAT_SHARED_OPTIONS,
} from './wechat.constants.js';
import {
  WECHAT_MODULE_OPTIONS,
  WeChatConfigurableModule,
  type WeChatModuleAsyncOptions,
  type WeChatModuleRootOptions,
} from './wechat.module-definition.js';

/** The default account's parts, injectable as they always were (`TokenService`, `UserClient`, …). */
const DEFAULT_ACCOUNT_PARTS: [unknown, string, (account: WeChatAccount) => unknown][] = [
  [TokenService, 'TokenService', (a) => a.tokens],
  [WeChatApiClient, 'WeChatApiClient', (a) => a.api],
  [JsSdkService, 'JsSdkService', (a) => a.jsSdk],
  [OAuthService, 'OAuthService', (a) => a.oauth],
  [UserClient, 'UserClient', (a) => a.users],
  [MessageClient, 'MessageClient', (a) => a.messages],
  [MenuClient, 'MenuClient', (a) => a.menu],
  [QrCodeClient, 'QrCodeClient', (a) => a.qrCodes],
  [MediaClient, 'MediaClient', (a) => a.media],
  [AccountClient, 'AccountClient', (a) => a.account],
  [WECHAT_OPTIONS, 'The module options (@InjectWeChatOptions())', (a) => a.options],
];

const defaultAccountProviders: Provider[] = DEFAULT_ACCOUNT_PARTS.map(([token, what, part]) => ({
  provide: token as string,
  inject: [WeChatAccounts],
  useFactory: (accounts: WeChatAccounts) =>
    accounts.default ? part(accounts.default) : missingDefaultAccount(what),
}));

/**
 * The WeChat Official Account module: `WeChatModule.forRoot({ appId, appSecret, ... })`, several
 * accounts with `forRoot({ accounts: [...] })`, or `forRootAsync({ useFactory, inject, imports })`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: WECHAT_MODULE_RESOLVED,
      inject: [WECHAT_MODULE_OPTIONS, OAUTH_CALLBACK_MOUNT, PUSH_ENDPOINT_MOUNT],
      useFactory: (raw: WeChatModuleOptions, callback: MountedRoute, push: MountedRoute) => {
        const agreed = agreeWithMountedRoute(OAUTH_CALLBACK_ROUTE, raw, callback);
        return resolveModuleOptions(agreeWithMountedRoute(PUSH_ENDPOINT_ROUTE, agreed, push), {
          callbackPath: callback.path,
          pushPath: push.path,
        });
      },
    },
    {
      provide: WECHAT_SHARED_OPTIONS,
      inject: [WECHAT_MODULE_RESOLVED],
      useFactory: (options: ResolvedModuleOptions) => options.shared,
    },
    credentialStoreProvider,
    RefreshScheduler,
    WeChatHttp,
    WeChatAccounts,
    WeChatSessions,
    PushHandlerExplorer,
    PushBodyCapture,
    ...defaultAccountProviders,
  ],
  exports: [
    CREDENTIAL_STORE,
    WeChatAccounts,
    WeChatSessions,
    ...DEFAULT_ACCOUNT_PARTS.map(([token]) => token as string),
  ],
})
export class WeChatModule extends WeChatConfigurableModule implements OnApplicationShutdown {
  constructor(
    @Inject(WECHAT_MODULE_RESOLVED) private readonly options: ResolvedModuleOptions,
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
  ) {
    super();
  }

  /**
   * The module with these options; the OAuth callback is mounted when `oauth` is set (on the
   * module or an account), the push endpoint when `push` is.
   */
  static override forRoot(options: WeChatModuleRootOptions): DynamicModule {
    const form = formOf(options);
    const withCallback = withMountedRoute(
      OAUTH_CALLBACK_ROUTE,
      withAccountsInjectedByName(super.forRoot(options)),
      mountPathOf(OAUTH_CALLBACK_ROUTE, options),
      form,
    );
    return withMountedRoute(
      PUSH_ENDPOINT_ROUTE,
      withCallback,
      mountPathOf(PUSH_ENDPOINT_ROUTE, options),
      form,
    );
  }

  /**
   * The module with options from a factory; the OAuth callback is mounted at `oauthCallbackPath`,
   * the push endpoint at `pushPath` (`pushPath/:account` with `severalAccounts: true`).
   */
  static override forRootAsync(options: WeChatModuleAsyncOptions): DynamicModule {
    const { oauthCallbackPath, pushPath, severalAccounts, ...asyncOptions } = options;
    const form = severalAccounts === true ? 'accounts' : 'single';
    const module = withAccountsInjectedByName(super.forRootAsync(asyncOptions));
    const withCallback = withMountedRoute(
      OAUTH_CALLBACK_ROUTE,
      module,
      oauthCallbackPath ?? null,
      form,
    );
    return withMountedRoute(PUSH_ENDPOINT_ROUTE, withCallback, pushPath ?? null, form);
  }

  async onApplicationShutdown(): Promise<void> {
    // A store passed in by the app belongs to the app; the one made here is closed here.
    if (!this.options.shared.store) await this.store.close();
  }
}

// Every `@InjectWeChatAccount(name)` of the app gets its provider (and export) in the module.
function withAccountsInjectedByName(module: DynamicModule): DynamicModule {
  const providers = injectedAccountProviders();
  return {
    ...module,
    providers: [...(module.providers ?? []), ...providers],
    exports: [
      ...(module.exports ?? []),
      ...providers.map((p) => (p as { provide: string }).provide),
    ],
  };
}
