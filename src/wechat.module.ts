import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AccountClient } from './api/clients/account.client.js';
import { MediaClient } from './api/clients/media.client.js';
import { MenuClient } from './api/clients/menu.client.js';
import { MessageClient } from './api/clients/message.client.js';
import { QrCodeClient } from './api/clients/qrcode.client.js';
import { UserClient } from './api/clients/user.client.js';
import { WeChatApiClient } from './api/wechat-api.client.js';
import { WeChatHttp } from './api/wechat-http.js';
import { JsSdkService } from './jssdk/js-sdk.service.js';
import { resolveOptions } from './options/resolve-options.js';
import {
  type ResolvedWeChatOptions,
  type WeChatModuleOptions,
} from './options/wechat-module-options.interface.js';
import { CREDENTIAL_STORE, type CredentialStore } from './store/credential-store.interface.js';
import { credentialStoreProvider } from './store/credential-store.provider.js';
import { RefreshScheduler } from './token/refresh-scheduler.js';
import { SharedCredentialFactory } from './token/shared-credential.factory.js';
import { TokenService } from './token/token.service.js';
import { OAUTH_CALLBACK_ROUTE } from './oauth/oauth-callback.mount.js';
import { OAUTH_CALLBACK_MOUNT } from './oauth/oauth.constants.js';
import { agreeWithMountedRoute, mountPathOf, withMountedRoute } from './options/route-mount.js';
import { OAuthStateKeeper } from './oauth/oauth-state.keeper.js';
import { OAuthService } from './oauth/oauth.service.js';
import { WeChatAuthenticator } from './oauth/web-authenticator.js';
import { WeChatSessions } from './oauth/wechat-sessions.js';
import { PushBodyCapture } from './push/push-body.capture.js';
import { PUSH_ENDPOINT_MOUNT, PUSH_ENDPOINT_ROUTE } from './push/push-endpoint.mount.js';
import { PushHandlerExplorer } from './push/push-handler.explorer.js';
import { PushReceiver } from './push/push-receiver.js';
import { WECHAT_OPTIONS } from './wechat.constants.js';
import {
  WECHAT_MODULE_OPTIONS,
  WeChatConfigurableModule,
  type WeChatModuleAsyncOptions,
  type WeChatModuleRootOptions,
} from './wechat.module-definition.js';

const TYPED_CLIENTS = [
  UserClient,
  MessageClient,
  MenuClient,
  QrCodeClient,
  MediaClient,
  AccountClient,
];

/**
 * The WeChat Official Account module: `WeChatModule.forRoot({ appId, appSecret, ... })` or
 * `forRootAsync({ useFactory, inject, imports })`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: WECHAT_OPTIONS,
      inject: [WECHAT_MODULE_OPTIONS, OAUTH_CALLBACK_MOUNT, PUSH_ENDPOINT_MOUNT],
      useFactory: (raw: WeChatModuleOptions, callback: string | null, push: string | null) => {
        const agreed = agreeWithMountedRoute(OAUTH_CALLBACK_ROUTE, raw, callback);
        return resolveOptions(agreeWithMountedRoute(PUSH_ENDPOINT_ROUTE, agreed, push));
      },
    },
    credentialStoreProvider,
    RefreshScheduler,
    SharedCredentialFactory,
    WeChatHttp,
    TokenService,
    WeChatApiClient,
    JsSdkService,
    OAuthService,
    OAuthStateKeeper,
    WeChatAuthenticator,
    WeChatSessions,
    PushReceiver,
    PushHandlerExplorer,
    PushBodyCapture,
    ...TYPED_CLIENTS,
  ],
  exports: [
    WECHAT_OPTIONS,
    CREDENTIAL_STORE,
    TokenService,
    WeChatApiClient,
    JsSdkService,
    OAuthService,
    WeChatAuthenticator,
    WeChatSessions,
    ...TYPED_CLIENTS,
  ],
})
export class WeChatModule extends WeChatConfigurableModule implements OnApplicationShutdown {
  constructor(
    @Inject(WECHAT_OPTIONS) private readonly options: ResolvedWeChatOptions,
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
  ) {
    super();
  }

  /**
   * The module with these options; the OAuth callback is mounted when `oauth` is set, the push
   * endpoint when `push` is.
   */
  static override forRoot(options: WeChatModuleRootOptions): DynamicModule {
    const module = super.forRoot(options);
    const withCallback = withMountedRoute(
      OAUTH_CALLBACK_ROUTE,
      module,
      mountPathOf(OAUTH_CALLBACK_ROUTE, options),
    );
    return withMountedRoute(
      PUSH_ENDPOINT_ROUTE,
      withCallback,
      mountPathOf(PUSH_ENDPOINT_ROUTE, options),
    );
  }

  /**
   * The module with options from a factory; the OAuth callback is mounted at `oauthCallbackPath`,
   * the push endpoint at `pushPath`.
   */
  static override forRootAsync(options: WeChatModuleAsyncOptions): DynamicModule {
    const { oauthCallbackPath, pushPath, ...asyncOptions } = options;
    const module = super.forRootAsync(asyncOptions);
    const withCallback = withMountedRoute(OAUTH_CALLBACK_ROUTE, module, oauthCallbackPath ?? null);
    return withMountedRoute(PUSH_ENDPOINT_ROUTE, withCallback, pushPath ?? null);
  }

  async onApplicationShutdown(): Promise<void> {
    // A store passed in by the app belongs to the app; the one made here is closed here.
    if (!this.options.store) await this.store.close();
  }
}
